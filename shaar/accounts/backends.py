"""Django's and allauth's authentication backends, loading a signed-in user cheaply.

Every request of a signed-in user loads the user; staff checks then ask whether they hold a
role, and a ballot needs their verification. Building that with the ORM cost more CPU than
the database spent answering (about 1.5 ms a request, a third of a ballot's cost). Here it
is one statement, written once from the models' metadata: the user, whether they hold any
role (`has_any_role`) and their verification's method, voter key and district
(`verified_*`, read by `selectors.residency_of`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.db.models import Field
from django.db.models.options import Options

from .models import RoleAssignment, Verification


def _column(meta: Options[Any], name: str) -> str:
    field = meta.get_field(name)
    # A concrete column, not a reverse relation.
    assert isinstance(field, Field) and field.column is not None
    return field.column


@functools.cache
def _user_sql() -> str:
    users, roles, verifications = get_user_model()._meta, RoleAssignment._meta, Verification._meta
    user_id = users.pk.column
    verified = ", ".join(f"v.{_column(verifications, name)} AS verified_{name}"
                         for name in ("method", "voter_key", "district_id"))
    # Only table and column names from the models are interpolated; the id is a parameter.
    return (f"SELECT u.*, EXISTS (SELECT 1 FROM {roles.db_table} r "  # noqa: S608
            f"WHERE r.{roles.get_field('user').column} = u.{user_id}) AS has_any_role, "
            f"{verified} FROM {users.db_table} u "
            f"LEFT JOIN {verifications.db_table} v "
            f"ON v.{verifications.get_field('user').column} = u.{user_id} "
            f"WHERE u.{user_id} = %s")


class _CheapUserLoad:
    if TYPE_CHECKING:  # from the backend it is mixed into
        def user_can_authenticate(self, user: Any) -> bool: ...

    def get_user(self, user_id):
        manager = get_user_model()._default_manager
        user = next(iter(manager.raw(_user_sql(), [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_CheapUserLoad, backends.ModelBackend):
    pass


class AuthenticationBackend(_CheapUserLoad, auth_backends.AuthenticationBackend):
    pass
