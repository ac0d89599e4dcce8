"""Writes of the city's reference data (settings, districts, departments, organisations),
made by its administrators in the staff console."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import City, Department, District, Organisation

REFERENCE_MODELS = (City, District, Department, Organisation)


@transaction.atomic
def reference_save(*, obj: City | District | Department | Organisation, by) -> None:
    """Create or change one row of reference data; cached copies follow (model signals)."""
    if not isinstance(obj, REFERENCE_MODELS):
        raise TypeError(f"not city reference data: {type(obj).__name__}")
    if by is None or not by.has_perm("city.manage"):
        raise PermissionDenied
    obj.full_clean()
    obj.save()
