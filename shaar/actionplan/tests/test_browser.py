"""End to end in Chromium on a phone-sized screen: a resident comments on a draft
commitment, the city responds, the plan is adopted, the agency reports progress and the
public dashboard shows it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shaar.accounts.models import Role
from shaar.testing import make_city, make_department, make_resident, make_staff, sign_in_browser

from ..models import ActionPlan, Contribution
from .factories import make_commitment, make_milestone, make_plan


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_runs_from_a_comment_to_progress_on_the_dashboard(page, live_server) -> None:
    make_city()
    department = make_department("urban-development")
    plan = make_plan(status=ActionPlan.Status.CONSULTATION, title_en="Bishkek OGP plan")
    commitment = make_commitment(plan, department, title_en="Citizen participation in planning")
    milestone = make_milestone(commitment)
    resident = make_resident("aigul")
    admin = make_staff(Role.CITY_ADMIN, "adil")
    official = make_staff(Role.DEPARTMENT_STAFF, "olga", department=department)
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url

    # 1. A resident comments on the draft commitment.
    sign_in_browser(page.context, live_server.url, resident)
    page.goto(f"{base}/en/ogp/commitments/{commitment.code}/")
    page.get_by_label("Your comment or idea").fill("Please publish the analysis by district.")
    page.get_by_role("button", name="Send comment").click()
    page.get_by_text("Awaiting the city's response.").wait_for()
    contribution = Contribution.objects.get()

    # 2. The city cannot adopt yet; it responds with reasons, then adopts.
    sign_in_browser(page.context, live_server.url, admin)
    page.goto(f"{base}/en/ogp/plans/{plan.code}/")
    page.get_by_label("Move the plan to").select_option("adopted")
    page.get_by_role("button", name="Change status").click()
    page.get_by_text("1 contribution still has no response").wait_for()
    page.goto(f"{base}/en/ogp/contributions/{contribution.id}/respond/")
    page.get_by_label("accepted").check()
    page.get_by_label("Reasons, published with the response").fill(
        "Accepted: the report will have a section per district.")
    page.get_by_role("button", name="Publish response").click()
    page.get_by_test_id("response").get_by_text("Accepted: the report").wait_for()
    page.goto(f"{base}/en/ogp/plans/{plan.code}/")
    page.get_by_label("Move the plan to").select_option("adopted")
    page.get_by_role("button", name="Change status").click()
    assert page.get_by_test_id("plan-status").inner_text() == "adopted"

    # 3. Staff of the responsible agency report progress.
    sign_in_browser(page.context, live_server.url, official)
    page.goto(f"{base}/en/ogp/commitments/{commitment.code}/")
    page.get_by_role("link", name="Report progress").click()
    page.get_by_label("What was done").fill("District hearings held in Leninsky and Sverdlovsky.")
    page.get_by_label("Milestone status").select_option("ongoing")
    page.get_by_label("Completion level").select_option("substantial")
    page.get_by_label("Links to evidence (one per line)").fill("https://meria.kg/news/1")
    page.get_by_role("button", name="Publish progress").click()
    page.get_by_test_id("progress-update").first.wait_for()

    # 4. Anyone sees it on the public dashboard.
    page.context.clear_cookies()
    page.goto(f"{base}/en/ogp/dashboard/")
    update = page.get_by_test_id("latest-update").first
    assert "District hearings held" in update.inner_text()
    assert "67%" in page.get_by_test_id("dashboard-row").first.inner_text()
    milestone.refresh_from_db()
    assert milestone.completion == "substantial"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_filters_the_dashboard_in_place_without_csp_errors(page, live_server) -> None:
    make_city()
    urban = make_department("urban-development")
    finance = make_department("finance")
    plan = make_plan(status=ActionPlan.Status.IMPLEMENTATION)
    make_commitment(plan, urban, title_en="Participation in planning", value_technology=True)
    make_commitment(plan, finance, title_en="Open budget data", value_participation=False,
                    value_transparency=True)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/en/ogp/dashboard/")
    assert page.get_by_test_id("dashboard-row").count() == 2
    page.get_by_label("OGP value").select_option("transparency")
    expect(page.get_by_test_id("dashboard-row")).to_have_count(1)
    assert "Open budget data" in page.get_by_test_id("dashboard-row").inner_text()
    assert "value=transparency" in page.url  # the filtered view can be shared
    for path in ("/en/ogp/", f"/ky/ogp/plans/{plan.code}/", "/ru/ogp/board/",
                 f"/en/ogp/plans/{plan.code}/print/"):
        page.goto(live_server.url + path)
    assert errors == []
