"""The read-replica router: only opted-in public reads go to the replica."""

from __future__ import annotations

from unittest import mock

from django.db import connection, transaction
from django.http import HttpResponse
from django.template import engines
from django.template.response import SimpleTemplateResponse
from django.test import RequestFactory, SimpleTestCase, TestCase

from shaar.city.models import District
from shaar.lib import dbrouter
from shaar.lib.dbrouter import REPLICA, ReplicaRouter, replica_reads, use_replica

router = ReplicaRouter()


class WithoutReplicaTests(SimpleTestCase):
    def test_it_does_nothing_without_a_replica(self) -> None:
        self.assertFalse(dbrouter.replica_configured())
        with replica_reads():
            self.assertIsNone(router.db_for_read(District))
        self.assertEqual(router.db_for_write(District), "default")

    def test_it_never_migrates_the_replica(self) -> None:
        self.assertIs(router.allow_migrate(REPLICA, "city"), False)
        self.assertIsNone(router.allow_migrate("default", "city"))


def with_replica(test: SimpleTestCase) -> None:
    """A replica is configured (none is: the router's answers are what is tested)."""
    test.enterContext(mock.patch.object(dbrouter, "replica_configured", lambda: True))


class WithReplicaTests(SimpleTestCase):
    def setUp(self) -> None:
        super().setUp()
        with_replica(self)

    def test_it_reads_from_the_replica_only_inside_an_opted_in_block(self) -> None:
        self.assertIsNone(router.db_for_read(District))
        with replica_reads():
            self.assertEqual(router.db_for_read(District), REPLICA)
            self.assertEqual(router.db_for_write(District), "default")
        self.assertIsNone(router.db_for_read(District))

    def test_the_decorator_routes_get_and_renders_the_template_inside(self) -> None:
        seen = []

        class Probe:
            def __str__(self) -> str:
                seen.append(router.db_for_read(District))
                return "probe"

        template = engines["django"].from_string("{{ probe }}")

        @use_replica
        def view(request):
            seen.append(router.db_for_read(District))
            return SimpleTemplateResponse(template, {"probe": Probe()})

        response = view(RequestFactory().get("/"))
        self.assertEqual(response.content, b"probe")
        self.assertEqual(seen, [REPLICA, REPLICA])
        self.assertIsNone(router.db_for_read(District))

    def test_the_decorator_leaves_writes_on_the_primary(self) -> None:
        seen = []

        @use_replica
        def view(request):
            seen.append(router.db_for_read(District))
            return HttpResponse("ok")

        view(RequestFactory().post("/"))
        self.assertEqual(seen, [None])


class WithReplicaInTransactionTests(TestCase):
    def setUp(self) -> None:
        super().setUp()
        with_replica(self)

    def test_it_reads_from_the_primary_inside_a_transaction(self) -> None:
        with replica_reads(), transaction.atomic():
            self.assertTrue(connection.in_atomic_block)
            self.assertIsNone(router.db_for_read(District))
