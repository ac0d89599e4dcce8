"""End to end in Chromium at 1280 px, in Russian, as the demo city administrator (not a
superuser): a cycle with two pools, proposals opened, a reviewer appointed, a budget with
new administrative units imported, a grant call with its committee, and every step in the
audit trail. Nothing opens /admin/."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from shaar.accounts import demo as accounts_demo
from shaar.accounts.models import Role, RoleAssignment, User
from shaar.budgeting.models import Cycle, Phase
from shaar.city import demo as city_demo
from shaar.grants.models import Call
from shaar.openbudget.models import AdminUnit
from shaar.testing import give_totp, make_user, sign_in_with_totp

from .test_views import BUDGET_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



# The service worker's install (offline pages, the map's low zooms) races the sign-in's new
# session in these staff journeys; it is tested on its own in feedback and city.
@pytest.mark.browser_context_args(service_workers="block")
def test_the_city_administrator_sets_up_the_city_in_the_console(page, live_server,
                                                                 tmp_path) -> None:
    city_demo.seed()
    accounts_demo.seed()
    admin = User.objects.get(username="demo-admin")
    assert not admin.is_superuser and not admin.is_staff
    give_totp(admin)
    newcomer = make_user("timur")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    base = f"{live_server.url}/ru"

    # Sign in with the password and the authenticator's code.
    sign_in_with_totp(page, base, admin, accounts_demo.DEMO_PASSWORD)

    page.goto(f"{base}/manage/")
    assert page.locator("h1").inner_text() == "Панель сотрудников"

    # 1. A cycle with two pools; proposals open.
    page.click("text=Новый цикл")
    page.fill("input[name=slug]", "pb-2027")
    page.fill("input[name=name_ky]", "Жарандык бюджет 2027")
    page.fill("input[name=name_ru]", "Гражданский бюджет 2027")
    page.fill("input[name=name_en]", "Civic budget 2027")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/manage/cycles/pb-2027/$"))
    for district, name in (("", "Весь город"), ("pervomaisky", "Первомайский район")):
        page.click("text=Добавить пул")
        if district:
            page.select_option("select[name=district]", label="Первомайский район")
        for lang in ("ky", "ru", "en"):
            page.fill(f"input[name=name_{lang}]", name)
        page.fill("input[name=budget]", "5000000")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r"/manage/cycles/pb-2027/$"))
    assert page.get_by_test_id("pool-row").count() == 2
    page.click("text=Перейти к этапу: предложения")
    page.get_by_text("Цикл перешёл на этап: предложения.").wait_for()
    assert Cycle.objects.get(slug="pb-2027").phase == Phase.PROPOSALS

    # 2. A reviewer for a new account.
    page.goto(f"{base}/manage/roles/")
    page.fill("input[name=account]", newcomer.email)
    page.select_option("select[name=role]", Role.REVIEWER)
    page.click("section[aria-labelledby=assign-h] button[type=submit]")
    page.get_by_text("двухфакторную аутентификацию").first.wait_for()
    assert RoleAssignment.objects.filter(user=newcomer, role=Role.REVIEWER).exists()

    # 3. A budget file with administrative units the city does not have yet.
    budget = tmp_path / "budget-2027.csv"
    budget.write_bytes(BUDGET_CSV)
    page.goto(f"{base}/manage/imports/budget/")
    page.fill("input[name=year]", "2027")
    page.set_input_files("input[name=file]", str(budget))
    page.click("main form button[type=submit]")
    page.get_by_test_id("import-preview").get_by_text("Управление школ").wait_for()
    page.click("text=Импортировать")
    page.get_by_test_id("import-progress").get_by_text("импортирован").first.wait_for()
    assert page.locator("progress").get_attribute("value") == "100"
    assert AdminUnit.objects.get(code="schools").name_ky == "Мектептер башкармалыгы"

    # 4. A grant call with its criteria and committee.
    page.goto(f"{base}/manage/calls/new/")
    now = timezone.localtime()
    fields = {"code": "youth-2027", "title_ky": "Жаштар демилгелери",
              "title_ru": "Молодёжные инициативы", "title_en": "Youth initiatives",
              "description_ky": "Жаштар үчүн", "description_ru": "Для молодёжи",
              "description_en": "For young people", "envelope": "2000000",
              "max_per_grant": "200000"}
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.fill("input[name=opens_at]",
              (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=closes_at]",
              (now + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/manage/calls/youth-2027/$"))
    criteria = page.locator("section[aria-labelledby=criteria-h] form").last
    for lang, name in (("ky", "Пайдасы"), ("ru", "Польза"), ("en", "Benefit")):
        criteria.locator(f"input[name=name_{lang}]").fill(name)
    criteria.locator("input[name=weight]").fill("2")
    criteria.locator("button[type=submit]").click()
    committee = page.locator("section[aria-labelledby=committee-h] form").last
    committee.locator("input[name=account]").fill(newcomer.email)
    committee.locator("select[name=role]").select_option("chair")
    committee.locator("button[type=submit]").click()
    page.get_by_test_id("committee").get_by_text("timur@example.org").wait_for()
    page.click("text=Опубликовать конкурс")
    page.get_by_text("Конкурс опубликован.").wait_for()
    assert Call.objects.get(code="youth-2027").status == Call.Status.PUBLISHED

    # 5. Every step is in the audit trail, under the administrator's name.
    page.goto(f"{base}/manage/audit/")
    page.fill("input[name=person]", admin.email)
    page.click("form.filters button[type=submit]")
    trail = page.get_by_test_id("audit").inner_text()
    for expected in ("Гражданский бюджет 2027", "Первомайский район", "Весь город",
                     "timur@example.org", "Управление школ", "Молодёжные инициативы",
                     "Польза"):
        assert expected in trail, expected
    assert not any("/admin/" in url for url in requested)
