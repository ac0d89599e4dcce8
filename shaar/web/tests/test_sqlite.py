from __future__ import annotations

import threading
from unittest import skipUnless

from django.db import connection, connections, transaction
from django.test import TransactionTestCase

from shaar.city.models import Department


@skipUnless(connection.vendor == "sqlite",
            "SQLite only: PostgreSQL locks rows, not the database, so this race needs a "
            "unique constraint there (the ballot tests cover it)")
class ExclusiveWriteTests(TransactionTestCase):
    """Read-then-write transactions must serialise on SQLite as select_for_update does on
    PostgreSQL, or two writers both see 'no row yet' and one fails at commit."""

    def test_it_serialises_competing_read_then_write_transactions(self) -> None:
        errors: list[Exception] = []
        barrier = threading.Barrier(8)

        def writer(n: int) -> None:
            try:
                barrier.wait()
                with transaction.atomic():
                    taken = Department.objects.select_for_update().filter(
                        code="counter").exists()
                    if not taken:
                        Department.objects.create(code="counter", name_ky="-", name_ru="-",
                                                  name_en=str(n))
            except Exception as exc:  # collected and asserted below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(Department.objects.filter(code="counter").count(), 1)
