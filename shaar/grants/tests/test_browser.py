"""End to end, on a phone-sized screen: apply with attachments → two evaluators score →
the chair awards → the public list shows the result."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from shaar.grants.models import Application, Award, Call, CommitteeMember
from shaar.testing import make_city, make_district, make_resident, make_user, sign_in_browser

from .factories import PDF, make_call, make_profile, seat

PHONE = {"width": 390, "height": 844}


def _logged_in(browser, live_server, user):
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server.url, user)
    return context.new_page()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_runs_a_call_from_application_to_public_award(browser, live_server, tmp_path):
    make_city()
    district = make_district("oktyabrsky")
    call = make_call(code="yards-2027", envelope=500_000, max_per_grant=200_000)
    call.districts.add(district)
    applicant = make_resident("aigul", district=district)
    make_profile(applicant, name="Жашыл короо")
    chair, member = make_user("chair"), make_user("member")
    seat(call, chair, CommitteeMember.Role.CHAIR)
    seat(call, member)
    base = f"{live_server.url}/en/grants"

    # 1. The applicant drafts, budgets, attaches and submits.
    page = _logged_in(browser, live_server, applicant)
    page.goto(f"{base}/calls/{call.code}/")
    page.get_by_role("link", name="Apply").click()
    page.get_by_role("button", name="Start a draft").click()
    page.fill("#id_title", "Shade trees for School 61 yard")
    page.fill("#id_summary", "Forty trees and drip irrigation.")
    page.fill("#id_problem", "The yard is bare and hot in summer.")
    page.fill("#id_activities", "Plant trees with parents; install irrigation.")
    page.fill("#id_timeline", "April–May 2027")
    page.select_option("#id_district", str(district.id))
    page.fill("#id_beneficiaries", "900")
    page.fill("#id_budget-0-item", "Saplings")
    page.fill("#id_budget-0-requested", "120000")
    page.fill("#id_budget-0-cofunding", "20000")
    page.fill("#id_budget-1-item", "Irrigation")
    page.fill("#id_budget-1-requested", "30000")
    page.fill("#id_budget-1-cofunding", "5000")
    page.get_by_role("button", name="Save the draft").click()
    assert "Attach the required document: document 0." in page.content()
    statute = tmp_path / "statute.pdf"
    statute.write_bytes(PDF)
    page.select_option("#id_document", label="document 0")
    page.set_input_files("#id_file", str(statute))
    page.get_by_role("button", name="Attach").click()
    quote = tmp_path / "quote.pdf"
    quote.write_bytes(PDF)
    page.set_input_files("#id_file", str(quote))
    page.get_by_role("button", name="Attach").click()
    assert page.locator("#eligible").is_visible()
    page.get_by_role("button", name="Submit the application").click()
    assert "Status: submitted" in page.locator("#application-status").inner_text()
    application = Application.objects.get()
    assert (application.requested_amount, application.attachments.count()) == (150_000, 2)

    # 2. The deadline passes.
    Call.objects.filter(id=call.id).update(closes_at=timezone.now()
                                           - datetime.timedelta(seconds=1))

    # 3. Two evaluators declare and score independently.
    for evaluator, values in ((member, ("8", "6", "7")), (chair, ("9", "7", "8"))):
        page = _logged_in(browser, live_server, evaluator)
        page.goto(f"{base}/committee/{call.code}/")
        page.get_by_role("link", name="Shade trees for School 61 yard").click()
        assert "Forty trees" not in page.content()
        page.get_by_label("No, I have no conflict of interest").check()
        page.get_by_role("button", name="Declare").click()
        assert "Forty trees" in page.content()
        for criterion, value in zip(call.criteria.all(), values, strict=True):
            page.fill(f"#id_score_{criterion.id}", value)
            page.fill(f"#id_comment_{criterion.id}", "Clear plan, realistic costs")
        page.get_by_role("button", name="Submit my scores").click()
        assert page.locator("#own-submitted").is_visible()

    # Chair sees both: (2·9+7+8)/4 = 8.25 and (2·8+6+7)/4 = 7.25 → mean 7.75.
    assert "Mean weighted score 7.75; spread 1.00." in page.content()

    # 4. The chair awards and publishes.
    page.goto(f"{base}/committee/{call.code}/ranking/")
    page.get_by_role("button", name="Record the decision").click()
    assert "Award 150,000 som" in page.content()
    page.get_by_role("button", name="Publish all decisions").click()
    assert Award.objects.get().amount == 150_000

    # 5. Anyone sees the public list and the award page.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/calls/{call.code}/")
    row = page.locator("#results-table tbody tr").first
    assert "Shade trees for School 61 yard" in row.inner_text()
    assert "7.75" in row.inner_text()
    row.get_by_role("link", name="Awarded 150,000 som").click()
    assert "Жашыл короо" in page.content()
