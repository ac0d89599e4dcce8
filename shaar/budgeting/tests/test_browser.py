"""End to end in Kyrgyz on a phone: propose → review → vote → results."""

from __future__ import annotations

import pytest

from shaar.accounts.models import Role
from shaar.testing import make_city, make_district, make_resident, make_staff, sign_in_browser

from ..models import Phase
from .factories import make_cycle, make_pool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_it_runs_a_whole_cycle_in_kyrgyz_on_a_phone(page, live_server) -> None:
    make_city()
    district = make_district("pervomaisky")
    resident = make_resident("aigul", district=district)
    admin = make_staff(Role.CITY_ADMIN, "adil")
    cycle = make_cycle(Phase.PROPOSALS, slug="budget-2027")
    make_pool(cycle, budget=2_000_000)
    base = f"{live_server.url}/ky/budget/{cycle.slug}"
    page.set_viewport_size({"width": 390, "height": 844})

    # A resident proposes a project.
    sign_in_browser(page.context, live_server.url, resident)
    page.goto(f"{base}/propose/")
    assert page.locator("h1").inner_text() == "Долбоор сунуштоо"
    page.fill("#id_title", "Токтогул көчөсүндөгү оюн аянтчасы")
    page.fill("#id_description", "Балдар үчүн коопсуз оюн аянтчасы.")
    page.select_option("#id_pool", index=1)
    page.select_option("#id_category", "playgrounds")
    page.fill("#id_estimated_cost", "1200000")
    page.get_by_role("button", name="Кароого жөнөтүү").click()
    page.wait_for_selector("text=Сунушуңуз кароого жөнөтүлдү.")
    assert "жөнөтүлдү" in page.locator(".badge").first.inner_text()
    proposal_url = page.url

    # The city reviews it: feasible, at a revised cost.
    sign_in_browser(page.context, live_server.url, admin)
    page.goto(proposal_url)
    page.get_by_role("link", name="Кароо", exact=True).click()
    page.check("#id_legal_ok")
    page.check("#id_technical_ok")
    page.check("#id_competence_ok")
    page.fill("#id_cost", "1500000")
    page.get_by_role("button", name="Корутундуну сактоо").click()
    page.wait_for_selector("text=Корутунду сакталды.")
    assert "бюллетенге киргизилди" in page.locator(".badge").first.inner_text()

    # The city moves the cycle on to voting (through review).
    for _phase in ("кароо", "добуш берүү"):
        page.goto(f"{base}/manage/")
        page.get_by_role("button", name="Кийинки этапка өтүү").click()
        page.wait_for_selector(f"text=Цикл азыр бул этапта: {_phase}.")

    # The resident votes, watching the running total.
    sign_in_browser(page.context, live_server.url, resident)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Добуш берүү").first.click()
    assert page.locator("h1").inner_text().startswith("Бюллетень")
    page.locator("input[name=projects]").first.check()
    assert "Тандалды:" in page.locator("#ballot-total").inner_text()
    page.locator("#ballot-submit").click()  # review first, then confirm
    page.locator("#ballot-confirm").click()
    page.wait_for_selector("#receipt")
    receipt = page.locator(".receipt").inner_text()
    assert len(receipt) == 14  # XXXX-XXXX-XXXX
    # The QR code is an image the page fetches after it is shown: wait for it to load
    # (asking at once raced the fetch) and fail if it never draws.
    page.wait_for_function("() => document.querySelector('.qr img').naturalWidth > 0")

    # Counting at close, then publication.
    sign_in_browser(page.context, live_server.url, admin)
    for _phase in ("эсептөө", "жыйынтыктар"):
        page.goto(f"{base}/manage/")
        page.get_by_role("button", name="Кийинки этапка өтүү").click()
        page.wait_for_selector(f"text=Цикл азыр бул этапта: {_phase}.")

    # Anyone reads the results with the explanation in plain Kyrgyz.
    page.context.clear_cookies()
    page.goto(f"{base}/")
    page.get_by_role("link", name="Жыйынтыктар", exact=True).first.click()
    assert page.locator("h1").inner_text().startswith("Жыйынтыктар")
    explanation = page.locator(".explanation").first.inner_text()
    assert explanation.startswith("Тандалды: 1 добуш")
    assert page.locator("#rule-explained").is_visible()
    assert "Каржыланды" in page.locator(".result.selected").first.inner_text()
    assert page.locator("#turnout-channel").is_visible()

    # The voter checks the receipt: counted.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Квитанцияны текшерүү").first.click()
    page.fill("#id_code", receipt)
    page.get_by_role("button", name="Текшерүү").click()
    assert page.locator("#receipt-status").get_attribute("data-status") == "counted"
