from __future__ import annotations

import io
import struct
import zlib
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from shaar.testing import BaseTestCase, EnglishBaseTestCase

from ..actions import report_create, report_moderate
from ..photos import clean_image, read_upload
from .factories import centre, image_bytes, make_category, make_report


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A tiny PNG whose header claims 400 megapixels (compressed zeros)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(
        b"IEND", b"")


class PhotoCheckTests(EnglishBaseTestCase):
    def test_it_refuses_a_text_file_renamed_jpg(self):
        upload = SimpleUploadedFile("photo.jpg", b"hello, I am not a photo\n" * 10,
                                    content_type="image/jpeg")
        with self.assertRaisesMessage(ValidationError, "not a photo"):
            clean_image(read_upload(upload))

    def test_it_refuses_a_png_decompression_bomb_without_decoding_it(self):
        bomb = png_bomb()
        self.assertLess(len(bomb), 100_000)
        with self.assertRaisesMessage(ValidationError, "megapixels"):
            clean_image(bomb)
        # Just above the 40-megapixel limit, below Pillow's own guard.
        with self.assertRaisesMessage(ValidationError, "megapixels"):
            clean_image(png_bomb(7000, 7000))

    def test_it_refuses_an_svg_with_a_script(self):
        svg = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
               b'height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>')
        with self.assertRaisesMessage(ValidationError, "not a photo"):
            clean_image(svg)

    def test_it_refuses_an_oversized_file(self):
        upload = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024))
        with self.assertRaisesMessage(ValidationError, "larger than"):
            read_upload(upload)

    def test_it_removes_exif_and_gps(self):
        original = image_bytes(exif_gps=True)
        self.assertIn(0x8825, Image.open(io.BytesIO(original)).getexif())
        content, width, height = clean_image(original)
        cleaned = Image.open(io.BytesIO(content.read()))
        self.assertEqual(cleaned.format, "JPEG")
        self.assertEqual(len(cleaned.getexif()), 0)
        self.assertEqual((width, height), (64, 48))

    def test_it_accepts_png_webp_and_heic(self):
        import pillow_heif

        heif = io.BytesIO()
        pillow_heif.from_pillow(Image.new("RGB", (32, 32), (0, 128, 0))).save(heif,
                                                                            quality=50)
        for data in (image_bytes("PNG"), image_bytes("WEBP"), heif.getvalue()):
            content, _w, _h = clean_image(data)
            self.assertEqual(Image.open(io.BytesIO(content.read())).format, "JPEG")

    def test_it_stores_only_the_cleaned_photo_with_a_thumbnail(self):
        category = make_category()
        with self.captureOnCommitCallbacks(execute=True):
            report = make_report(category, self.district,
                                 photo_bytes=[image_bytes(exif_gps=True, size=(800, 600))])
        photo = report.photos.get()
        photo.refresh_from_db()
        self.assertTrue(photo.thumbnail)
        with photo.image.open("rb") as fh:
            self.assertEqual(len(Image.open(fh).getexif()), 0)
        with photo.thumbnail.open("rb") as fh:
            self.assertLessEqual(max(Image.open(fh).size), 320)

    def test_it_writes_nothing_when_one_photo_is_bad(self):
        category = make_category()
        with self.assertRaises(ValidationError):
            make_report(category, self.district, photo_bytes=[image_bytes(), b"not an image"])
        self.assertFalse(category.reports.exists())

    def test_it_refuses_more_than_five_photos(self):
        with self.assertRaises(ValidationError):
            make_report(make_category(), self.district, photo_bytes=[image_bytes()] * 6)


class PhotoCleaningTests(BaseTestCase):
    def test_it_keeps_pixels_and_orientation_only(self):
        image = Image.new("RGB", (64, 32), (10, 200, 10))
        exif = Image.Exif()
        exif[0x0112] = 6  # orientation: rotated 90°
        out = io.BytesIO()
        image.save(out, "JPEG", comment=b"SECRET-COMMENT", exif=exif, icc_profile=b"ICC-DATA")
        content, width, height = clean_image(out.getvalue())
        data = content.read()
        self.assertNotIn(b"SECRET-COMMENT", data)
        self.assertNotIn(b"ICC-DATA", data)
        cleaned = Image.open(io.BytesIO(data))
        self.assertEqual((width, height), (32, 64))  # the orientation applied to the pixels
        self.assertNotIn("comment", cleaned.info)
        self.assertEqual(len(cleaned.getexif()), 0)


class PixelBudgetTests(BaseTestCase):
    """Decoding is bounded per request and per account per hour, from the headers alone."""

    def setUp(self) -> None:
        super().setUp()
        make_category("pothole")
        self.lat, self.lon = centre(self.district)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def post(self, n_photos: int):
        return self.send(self.photos(n_photos))

    @staticmethod
    def photos(n: int) -> list[SimpleUploadedFile]:
        return [SimpleUploadedFile(f"p{i}.png", image_bytes("PNG", size=(100, 100)),
                                   "image/png") for i in range(n)]

    def send(self, photos):
        return self.client.post("/api/v1/feedback/reports", {
            "category": "pothole", "lat": self.lat, "lon": self.lon, "description": "Hole",
            "photos": photos})

    @override_settings(UPLOAD_MAX_PIXELS_PER_REQUEST=25_000)
    def test_it_refuses_too_many_pixels_in_one_request_before_decoding(self):
        photos = self.photos(3)  # 3 × 10,000 pixels
        with mock.patch("shaar.lib.uploads.Image.Image.load") as load:
            response = self.send(photos)
        self.assertEqual(response.status_code, 400)
        self.assertIn("too large together", response.json()["detail"])
        load.assert_not_called()
        self.assertEqual(self.post(2).status_code, 201)
        web = self.client.post("/en/feedback/new/", {
            "category": "pothole", "lat": self.lat, "lon": self.lon, "description": "Hole",
            "photos": [SimpleUploadedFile(f"p{i}.png", image_bytes("PNG", size=(100, 100)),
                                          "image/png") for i in range(3)]})
        self.assertContains(web, "too large together", status_code=400)

    @override_settings(UPLOAD_MAX_PIXELS_PER_HOUR=45_000)
    def test_it_limits_the_pixels_an_account_sends_in_an_hour(self):
        self.client.force_login(self.resident)
        self.assertEqual(self.post(2).status_code, 201)
        self.assertEqual(self.post(2).status_code, 201)
        self.assertEqual(self.post(1).status_code, 429)
        self.assertEqual(self.post(0).status_code, 201)  # words alone still go through


class ModeratedPhotoTests(BaseTestCase):
    """Moderation takes files offline: hidden, a photo and its thumbnail stop answering at
    their public addresses (nginx serves /media/ from storage directly)."""

    def setUp(self) -> None:
        super().setUp()
        category = make_category("pothole")
        lat, lon = centre(self.district)
        with self.captureOnCommitCallbacks(execute=True):  # the thumbnail task runs
            self.report = report_create(category=category, lat=lat, lon=lon,
                                        description="Hole", photo_bytes=[image_bytes()])
        self.photo = self.report.photos.get()
        self.public = [str(self.photo.image.name), str(self.photo.thumbnail.name)]
        self.assertTrue(all(default_storage.exists(name) for name in self.public))

    def moderate(self, **kwargs) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            report_moderate(report=self.report, actor=self.moderator, reason="abuse", **kwargs)
        self.photo.refresh_from_db()

    def test_it_takes_a_hidden_photo_offline_and_back(self):
        self.moderate(photo=self.photo, hide_photo=True)
        self.assertFalse(any(default_storage.exists(name) for name in self.public))
        self.assertTrue(str(self.photo.image.name).startswith("withheld/"))
        # Staff still see it.
        self.assertTrue(default_storage.exists(str(self.photo.thumbnail.name)))
        detail = self.client.get(f"/api/v1/feedback/reports/{self.report.pk}").json()
        self.assertEqual(detail["photos"], [])
        self.moderate(photo=self.photo, hide_photo=False)
        self.assertFalse(str(self.photo.image.name).startswith("withheld/"))
        self.assertTrue(default_storage.exists(str(self.photo.image.name)))

    def test_it_takes_every_file_and_the_pin_of_a_hidden_report_offline(self):
        self.moderate(hide=True)
        self.assertFalse(any(default_storage.exists(name) for name in self.public))
        self.assertEqual(self.client.get("/en/feedback/map.json").json()["points"], [])
        self.assertEqual(self.client.get(f"/en/feedback/{self.report.pk}/").status_code, 404)
        self.moderate(hide=False)
        self.assertTrue(default_storage.exists(str(self.photo.image.name)))
        self.assertEqual(len(self.client.get("/en/feedback/map.json").json()["points"]), 1)
