"""End-to-end: sign-up by phone, residency by register match, staff log-in with TOTP."""

from __future__ import annotations

import io
import re

import pytest

from shaar.accounts import actions
from shaar.accounts.models import Role, User, Verification
from shaar.accounts.register import read_rows
from shaar.accounts.sms import locmem
from shaar.city.demo import seed as seed_city
from shaar.testing import PASSWORD, make_staff, make_user, search, sign_in_with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_VIEWPORT = {"width": 390, "height": 844}


def log_in(page, live_server, login: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


def test_it_signs_up_with_a_phone_number_and_the_sms_code(page, live_server) -> None:
    seed_city()
    locmem.outbox.clear()
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"{live_server.url}/ru/accounts/signup/")
    page.fill("input[name=phone]", "0700 123 456")
    page.fill("input[name=password1]", "a long and unusual passphrase")
    page.fill("input[name=password2]", "a long and unusual passphrase")
    page.click("main form button[type=submit]")
    page.wait_for_selector("input[name=code]")
    code = search(r"\b(\d{6})\b", locmem.outbox[-1]["text"]).group(1)
    assert locmem.outbox[-1]["to"] == "+996700123456"
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/ru/$"))
    assert User.objects.get(phone="+996700123456").phone_verified


def test_it_verifies_residency_by_a_register_match(page, live_server) -> None:
    seed_city()
    actions.register_import(rows=read_rows(io.StringIO(
        "pin,birth_year,district\n21203199000123,1990,Свердловский район\n")),
        file_name="register.csv", uploaded_by=None)
    user = make_user("aida")
    page.set_viewport_size(PHONE_VIEWPORT)
    log_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/en/me/verify/")
    page.fill("input[name=register-pin]", "21203199000123")
    page.fill("input[name=register-birth_year]", "1990")
    page.click("section[aria-labelledby=by-register] button[type=submit]")
    page.wait_for_selector("text=You are verified as a resident.")
    assert page.locator("text=Sverdlovsky district").count() >= 1
    district = Verification.objects.get(user=user).district
    assert district is not None and district.code == "sverdlovsky"



# The service worker's install (offline pages, the map's low zooms) races the sign-in's new
# session in these staff journeys; it is tested on its own in feedback and city.
@pytest.mark.browser_context_args(service_workers="block")
def test_staff_log_in_with_a_totp_code(page, live_server) -> None:
    seed_city()
    from shaar.city.models import District

    staff = make_staff(Role.DISTRICT_OFFICE, "nurlan", district=District.objects.first())
    sign_in_with_totp(page, f"{live_server.url}/en", staff)
    page.goto(f"{live_server.url}/en/me/staff/verify-in-person/")
    assert page.locator("h1").inner_text() == "Verify a resident in person"
