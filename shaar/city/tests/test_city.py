"""The city settings other apps read instead of hard-coding Bishkek."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.test import TestCase, override_settings
from django.utils import translation

from shaar.city.models import City
from shaar.testing import make_city


class CitySettingsTest(TestCase):
    def test_the_currency_is_written_as_named_in_the_language_else_by_its_code(self) -> None:
        city = make_city()
        city.currency = "KZT"
        self.assertEqual(city.currency_name, "KZT")
        city.currency_name_ru, city.currency_name_en = "тенге", "tenge"
        with translation.override("ru"):
            self.assertEqual(city.currency_name, "тенге")
        with translation.override("en"):
            self.assertEqual(city.currency_name, "tenge")

    @override_settings(TIME_ZONE="Asia/Bishkek")
    def test_the_zone_is_the_citys_and_an_unknown_name_falls_back_to_time_zone(self) -> None:
        city = make_city()
        city.time_zone = "Asia/Almaty"
        city.save()
        self.assertEqual(City.current().zone, ZoneInfo("Asia/Almaty"))
        city.time_zone = "Mars/Olympus"  # saved before the validator existed
        self.assertEqual(city.zone, ZoneInfo("Asia/Bishkek"))
