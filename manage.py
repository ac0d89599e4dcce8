#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaar.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # The embedded runtime's SQLite file needs its folder before any command (their system
    # checks open the database); loading the settings creates no folder.
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    execute_from_command_line(sys.argv)
