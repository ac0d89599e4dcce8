"""Files that moderation takes offline.

Media are served straight from storage (nginx's /media/ location, or the object store), so
hiding a row is not enough: its file would still answer at the old address. `withhold`
moves a file to an unguessable name under withheld/ (staff pages still show it); the old
address answers 404. `publish` moves it back under its field's usual folder.

The copy is written first and the field saved by the caller in its transaction; the old
file is deleted only once that transaction commits, so a rollback leaves everything as it
was (at worst an orphan copy).
"""

from __future__ import annotations

import os
import uuid

from django.db import transaction
from django.db.models.fields.files import FieldFile

WITHHELD = "withheld/"


def is_withheld(fieldfile: FieldFile) -> bool:
    name = fieldfile.name
    return name is not None and name.startswith(WITHHELD)


def withhold(fieldfile: FieldFile) -> bool:
    """Take the file offline; True if it moved (the caller saves the field)."""
    if not fieldfile or is_withheld(fieldfile):
        return False
    _move(fieldfile, f"{WITHHELD}{uuid.uuid4().hex}/{os.path.basename(_name(fieldfile))}")
    return True


def publish(fieldfile: FieldFile) -> bool:
    """Put a withheld file back online at a new address; True if it moved."""
    if not is_withheld(fieldfile):
        return False
    name = fieldfile.field.generate_filename(fieldfile.instance,
                                             os.path.basename(_name(fieldfile)))
    _move(fieldfile, name)
    return True


def _name(fieldfile: FieldFile) -> str:
    """The name of a field that holds a file (`bool(fieldfile)` is `bool(fieldfile.name)`)."""
    if not fieldfile.name:
        raise ValueError("The field holds no file.")
    return fieldfile.name


def _move(fieldfile: FieldFile, new_name: str) -> None:
    storage, old = fieldfile.storage, _name(fieldfile)
    with storage.open(old, "rb") as source:
        fieldfile.name = storage.save(new_name, source)
    transaction.on_commit(lambda: storage.delete(old))
