from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[3]


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "SECRET_KEY", "VOTER_KEY_SECRET", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
                               " print(settings.DATABASES['default']['ENGINE'])"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "shaar.settings", **env},
        capture_output=True, text=True, timeout=60, check=False)


class ProductionSettingsTests(SimpleTestCase):
    def test_it_refuses_to_start_without_secrets_when_debug_is_off(self) -> None:
        result = load_settings(DEBUG="false")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Set SECRET_KEY", result.stderr)
        result = load_settings(DEBUG="false", SECRET_KEY="x" * 50)
        self.assertIn("Set VOTER_KEY_SECRET", result.stderr)

    def test_it_reads_secrets_from_files(self) -> None:
        secret_file = ROOT / "var" / "test-secret"
        secret_file.write_text("s" * 50)
        try:
            result = load_settings(DEBUG="false", SECRET_KEY_FILE=str(secret_file),
                                   VOTER_KEY_SECRET_FILE=str(secret_file))
        finally:
            secret_file.unlink()
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_database_url_switches_to_postgresql(self) -> None:
        result = load_settings(DEBUG="true",
                               DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
        self.assertEqual(result.stdout.strip(), "django.db.backends.postgresql")
        self.assertEqual(load_settings(DEBUG="true").stdout.strip(),
                         "django.db.backends.sqlite3")

    def test_it_creates_no_folder_when_loaded(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # (PROMETHEUS_MULTIPROC_DIR is gunicorn's to create: deploy/gunicorn.conf.py.)
            result = load_settings(DEBUG="true", SQLITE_PATH=f"{tmp}/db/shaar.sqlite3",
                                   STATIC_ROOT=f"{tmp}/static", MEDIA_ROOT=f"{tmp}/media")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(list(Path(tmp).iterdir()), [])
