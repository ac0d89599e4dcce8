"""Drill: the disk that holds uploaded files is full.

Uploads (a feedback photo on the form and through the API, a proposal photo, a grant
application's attachment) get a 503 in the resident's language and leave no record behind;
ballots, which store no file, still commit.

The disk is a real one: a 256 KB tmpfs mounted for the test and filled up, so the storage
gets a genuine ENOSPC from the kernel. Mounting needs CAP_SYS_ADMIN (root on a normal
machine, as in CI); without it the test falls back to storages whose writes raise the same
OSError(ENOSPC) the kernel would, and says so.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from shaar.budgeting.models import Ballot, Phase, Proposal
from shaar.budgeting.tests.factories import make_cycle, make_pool, make_voting_cycle
from shaar.budgeting.tests.test_proposals import photo_with_gps
from shaar.feedback.models import Report
from shaar.feedback.tests.factories import centre, image_bytes, make_category
from shaar.grants.models import Attachment
from shaar.grants.tests.factories import make_application, make_call, make_profile, pdf_upload
from shaar.testing import make_city, make_district, make_resident

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

KYRGYZ = "Файлдарды азыр сактоого мүмкүн эмес"
RUSSIAN = "Сейчас невозможно сохранить файлы"
ENGLISH = "Files cannot be stored at the moment"


class FullStorage(FileSystemStorage):
    """Fallback only: where no tmpfs can be mounted, writes fail as on a full disk."""

    def _save(self, name, content):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)


def _mount_full_tmpfs() -> Path | None:
    mount = shutil.which("mount")
    folder = Path(tempfile.mkdtemp(prefix="shaar-faults-disk-"))
    mounted = subprocess.run([mount, "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                             capture_output=True, text=True) if mount else None
    if mounted is None or mounted.returncode:
        folder.rmdir()
        reason = mounted.stderr.strip() if mounted else "no mount command"
        print(f"\ncannot mount a tmpfs ({reason or 'not permitted'}): the disk-full drill "
              "falls back to storages that raise ENOSPC")
        return None
    for sub in ("media", "private"):
        (folder / sub).mkdir()
    try:
        with open(folder / "filler", "wb") as filler:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    return folder


@pytest.fixture
def full_disk(settings, monkeypatch, tmp_path) -> Iterator[str]:
    folder = _mount_full_tmpfs()
    attachment_field = Attachment._meta.get_field("file")
    if folder is None:
        storage = FullStorage(location=tmp_path)
        monkeypatch.setattr("django.core.files.storage.default_storage._wrapped", storage)
        monkeypatch.setattr(attachment_field, "storage", storage)
        yield "fallback"
        return
    settings.MEDIA_ROOT = str(folder / "media")
    settings.GRANTS_PRIVATE_ROOT = folder / "private"
    # The attachment field built its storage when the model was imported.
    monkeypatch.setattr(attachment_field, "storage",
                        FileSystemStorage(location=folder / "private"))
    try:
        yield "tmpfs"
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


@pytest.fixture
def district():
    make_city()
    return make_district("pervomaisky")


@pytest.fixture
def resident(district):
    return make_resident("alice", district=district)


def assert_refused(response, text: str, *, json_body: bool = False) -> None:
    assert response.status_code == 503, response.content[:500]
    assert response["Retry-After"] == "30"
    if json_body:
        assert response.json()["code"] == "service_unavailable"
        assert text in response.json()["detail"]
    else:
        assert text in response.content.decode()


def report_a_pothole_with_a_photo(client, district, url: str, description: str, **headers):
    make_category("pothole")
    lat, lon = centre(district)
    return client.post(url, {
        "category": "pothole", "lat": lat, "lon": lon, "description": description,
        "photos": [SimpleUploadedFile("p.jpg", image_bytes(), "image/jpeg")]}, **headers)


def test_it_refuses_a_feedback_photo_on_the_form_with_a_503_and_keeps_no_report(
        client, full_disk, district) -> None:
    response = report_a_pothole_with_a_photo(client, district, "/ky/feedback/new/", "Чуңкур")
    assert_refused(response, KYRGYZ)
    assert not Report.objects.exists()


def test_it_refuses_a_feedback_photo_through_the_api_with_a_json_503(
        client, full_disk, district) -> None:
    response = report_a_pothole_with_a_photo(client, district, "/api/v1/feedback/reports", "Яма",
                                             HTTP_ACCEPT_LANGUAGE="ru")
    assert_refused(response, RUSSIAN, json_body=True)
    assert not Report.objects.exists()


def test_it_refuses_a_proposal_photo_with_a_503_and_keeps_no_proposal(
        client, full_disk, resident) -> None:
    cycle = make_cycle(Phase.PROPOSALS)
    pool = make_pool(cycle)
    client.force_login(resident)
    response = client.post(f"/en/budget/{cycle.slug}/propose/", {
        "title": "Lights on Frunze street", "description": "Dark at night.",
        "pool": pool.pk, "category": "lighting", "estimated_cost": "900000",
        "latitude": "42.87", "longitude": "74.6", "submit": "1",
        "photos": [SimpleUploadedFile("a.jpg", photo_with_gps(), content_type="image/jpeg")]})
    assert_refused(response, ENGLISH)
    assert not Proposal.objects.exists()


def test_it_refuses_a_grant_attachment_with_a_503_and_keeps_no_attachment(
        client, full_disk, resident, district) -> None:
    call = make_call()
    call.districts.add(district)
    application = make_application(call, make_profile(resident), resident, district=district)
    client.force_login(resident)
    response = client.post(f"/ky/grants/applications/{application.pk}/", {
        "op": "attach", "document": "", "file": pdf_upload()})
    assert_refused(response, KYRGYZ)
    assert not Attachment.objects.exists()


def test_it_still_accepts_ballots_while_the_media_disk_is_full(
        client, full_disk, resident, district) -> None:
    cycle, city_pool, _local, projects, _local_projects = make_voting_cycle(district)
    client.force_login(resident)
    url = f"/ky/budget/{cycle.slug}/vote/{city_pool.pk}/"
    response = client.post(url, {"projects": [projects[1].pk]})
    assert response.status_code == 200
    assert 'class="receipt"' in response.content.decode()
    assert Ballot.objects.filter(pool=city_pool).count() == 1
