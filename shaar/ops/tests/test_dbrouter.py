"""The read-replica router: only opted-in public reads go to the replica."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import engines
from django.template.response import SimpleTemplateResponse

from shaar.city.models import District
from shaar.lib import dbrouter
from shaar.lib.dbrouter import REPLICA, ReplicaRouter, replica_reads, use_replica

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)


def test_it_does_nothing_without_a_replica() -> None:
    assert not dbrouter.replica_configured()
    with replica_reads():
        assert router.db_for_read(District) is None
    assert router.db_for_write(District) == "default"


def test_it_reads_from_the_replica_only_inside_an_opted_in_block(with_replica) -> None:
    assert router.db_for_read(District) is None
    with replica_reads():
        assert router.db_for_read(District) == REPLICA
        assert router.db_for_write(District) == "default"
    assert router.db_for_read(District) is None


@pytest.mark.django_db(transaction=True)
def test_it_reads_from_the_primary_inside_a_transaction(with_replica) -> None:
    with replica_reads(), transaction.atomic():
        assert connection.in_atomic_block
        assert router.db_for_read(District) is None


def test_it_never_migrates_the_replica() -> None:
    assert router.allow_migrate(REPLICA, "city") is False
    assert router.allow_migrate("default", "city") is None


def test_the_decorator_routes_get_and_renders_the_template_inside(rf, with_replica) -> None:
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

    response = view(rf.get("/"))
    assert response.content == b"probe"
    assert seen == [REPLICA, REPLICA]
    assert router.db_for_read(District) is None


def test_the_decorator_leaves_writes_on_the_primary(rf, with_replica) -> None:
    seen = []

    @use_replica
    def view(request):
        seen.append(router.db_for_read(District))
        return HttpResponse("ok")

    view(rf.post("/"))
    assert seen == [None]
