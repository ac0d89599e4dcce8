"""The operations settings switch on from the environment alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys

CODE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from django.db import connections
storage = storages["default"]
print(json.dumps({
    "storage": type(storage).__module__ + "." + type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "querystring_auth": getattr(storage, "querystring_auth", None),
    "databases": sorted(settings.DATABASES),
    "replica_mirror": settings.DATABASES.get("replica", {}).get("TEST", {}).get("MIRROR"),
    "replica_host": settings.DATABASES.get("replica", {}).get("HOST"),
    "routers": settings.DATABASE_ROUTERS,
    "networks": settings.METRICS_ALLOWED_NETWORKS,
}))
"""


def _settings(**env: str) -> dict:
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "shaar.settings", "DEBUG": "true", **env}
    for name in ("AWS_STORAGE_BUCKET_NAME", "DATABASE_REPLICA_URL", "DATABASE_URL"):
        if name not in env:
            full.pop(name, None)
    result = subprocess.run([sys.executable, "-c", CODE], env=full, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_uses_local_files_and_one_database_by_default() -> None:
    data = _settings()
    assert data["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert data["databases"] == ["default"]
    assert data["routers"] == ["shaar.lib.dbrouter.ReplicaRouter"]
    assert data["networks"] == ["127.0.0.1/32", "::1/128"]


def test_it_stores_media_in_an_s3_compatible_bucket_when_configured() -> None:
    data = _settings(AWS_STORAGE_BUCKET_NAME="shaar-media",
                     S3_ENDPOINT_URL="https://s3.example.org", S3_ACCESS_KEY_ID="key",
                     S3_SECRET_ACCESS_KEY="secret")
    assert data["storage"] == "storages.backends.s3.S3Storage"
    assert data["bucket"] == "shaar-media"
    assert data["endpoint"] == "https://s3.example.org"
    assert data["querystring_auth"] is True


def test_it_adds_the_read_replica_when_configured() -> None:
    data = _settings(DATABASE_URL="postgres://shaar@db1:5432/shaar",
                     DATABASE_REPLICA_URL="postgres://shaar_ro@db2:5432/shaar")
    assert data["databases"] == ["default", "replica"]
    assert data["replica_host"] == "db2"
    assert data["replica_mirror"] == "default"


def test_it_refuses_a_malformed_metrics_network() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shaar.settings", "DEBUG": "true",
           "METRICS_ALLOWED_NETWORKS": "10.0.0.0/33"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                            env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "METRICS_ALLOWED_NETWORKS" in result.stderr
