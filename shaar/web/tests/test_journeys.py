"""Residents' journeys on a 360-pixel phone in Kyrgyz, end to end in Chromium.

Each test saves its screenshots to var/screenshots/<journey>/ (not committed) so that a
person can look at the journey as a resident sees it, step by step.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings

from shaar.feedback.models import Category, Report
from shaar.testing import first, search, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
WAIT = 15_000  # ms: no wait of a journey hangs longer


class Journey:
    """A phone-sized page that keeps numbered screenshots of one journey."""

    def __init__(self, browser, live_server, name: str) -> None:
        self.folder = Path(settings.BASE_DIR) / "var" / "screenshots" / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.context = browser.new_context(viewport=PHONE, bypass_csp=False,
                                           service_workers="block", locale="ru-RU")
        # The closed network: map tiles of another host are refused at once.
        self.context.route(re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])"),
                           lambda route: route.abort())
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT)  # no wait of a journey hangs longer
        self.base = live_server.url
        self.step = 0

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def shot(self, what: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(self.folder / f"{self.step:02d}-{what}.png"))

    def check(self, where: str, shot: str | None = None) -> None:
        """check_page, then a screenshot of the page checked (named `shot`, or `where`)."""
        check_page(self.page, where)
        self.shot(shot or where)

    def close(self) -> None:
        self.context.close()


def test_it_reports_a_problem_with_errors_beside_the_fields(browser, live_server, demo) -> None:
    journey = Journey(browser, live_server, "report-a-problem")
    page = journey.page
    journey.goto("/ky/")
    journey.shot("home")
    page.locator(".menu-button").click()
    journey.shot("menu-open")
    page.locator("#account-nav .nav-action").click()
    page.wait_for_url(re.compile(r"/ky/feedback/new/$"))

    # The first field is on the first screen, under a header of at most 72 px, a one-line
    # sample-data banner and the section's links, which wrap rather than scroll sideways.
    assert page.locator(".site-header").bounding_box()["height"] <= 72
    check_compact(page, "report form")
    assert page.locator(".sample-banner").count() == 1
    category = page.locator("[data-category-select]")
    assert category.bounding_box()["y"] + 40 < PHONE["height"]
    journey.shot("form")

    # Sent empty: the error stands beside the category, and focus is on it.
    page.get_by_role("button", name="Кайрылууну жөнөтүү").click()
    error = page.locator("#error-category")
    error.wait_for()
    assert error.inner_text() == "Көйгөйдүн түрүн тандаңыз."
    assert page.evaluate("document.activeElement.name") == "category"
    assert category.get_attribute("aria-invalid") == "true"
    journey.shot("error-category")

    # A category without the pin: the error stands beside the map, which takes focus.
    pothole = (Category.objects.filter(is_active=True, questions__isnull=True).first()
               or first(Category.objects.filter(is_active=True)))
    category.select_option(pothole.code)
    for question in page.locator(f"[data-questions-for='{pothole.code}'] select").all():
        question.select_option(index=1)
    page.locator("textarea[name=description]").fill("Көчөдө чоң чуңкур бар.")
    page.get_by_role("button", name="Кайрылууну жөнөтүү").click()
    map_error = page.locator("#error-lat")
    map_error.wait_for()
    assert "картаны" in map_error.inner_text()
    assert page.evaluate("document.activeElement.id") == "report-map"
    journey.shot("error-map")

    # The pin, then the report: the follow page opens in Kyrgyz, though the browser
    # asks for Russian.
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_role("button", name="Кайрылууну жөнөтүү").click()
    page.wait_for_url(re.compile(r"/ky/feedback/follow/"))
    assert page.locator("html").get_attribute("lang") == "ky"
    journey.shot("sent")
    assert Report.objects.filter(description="Көчөдө чоң чуңкур бар.").count() == 1
    journey.close()


READING = [("read-the-city-budget", "/ky/city-budget/"),
           ("reported-problems", "/ky/feedback/"),
           ("provider-scorecards", "/ky/providers/"),
           ("civic-budget", "/ky/budget/"),
           ("action-plan", "/ky/ogp/"),
           ("grants", "/ky/grants/")]


def test_it_reads_each_public_section_on_a_phone(browser, live_server, demo) -> None:
    """One test for the reading journeys: the demo data is seeded once."""
    for name, path in READING:
        journey = Journey(browser, live_server, name)
        journey.goto(path)
        page = journey.page
        assert page.locator("html").get_attribute("lang") == "ky", name
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        check_compact(page, name)
        journey.shot("first-screen")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        journey.shot("end")
        # The first link into the section leads on, in Kyrgyz, without a dead end.
        page.locator(f"main a[href^='{path}']:not([href='{path}'])").first.click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "ky", name
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        journey.shot("next")
        journey.close()


def test_it_votes_with_review_and_confirm_and_the_cycle_page_shows_it(browser, live_server,
                                                                      demo) -> None:

    from shaar.budgeting.models import Phase, Pool
    from shaar.testing import make_resident

    pool = first(Pool.objects.filter(cycle__phase=Phase.VOTING, district__isnull=False)
                 .select_related("cycle").order_by("pk"))
    voter = make_resident("journey-voter", district=pool.district)
    journey = Journey(browser, live_server, "vote")
    sign_in_browser(journey.context, live_server.url, voter)
    page = journey.page
    journey.goto(f"/ky/budget/{pool.cycle.slug}/")
    # The pool's card: its ballot link before the vote, its receipt link after.
    card = page.locator(".card", has=page.locator(
        f"a[href*='/vote/{pool.pk}/'], a[href*='/pools/{pool.pk}/receipt/']"))
    assert card.locator(".badge.info").inner_text() == "Сиздин районуңуз"
    journey.shot("cycle")
    card.locator("a.button").click()
    page.wait_for_url(re.compile(rf"/vote/{pool.pk}/$"))
    journey.shot("ballot")

    # The cheapest project, then the review: nothing is cast before the confirmation.
    costs = page.locator("input[name=projects]").evaluate_all(
        "boxes => boxes.map(b => [b.id, parseInt(b.dataset.cost, 10)])")
    cheapest = min(costs, key=lambda pair: pair[1])[0]
    page.locator(f"label[for='{cheapest}']").click()
    total = page.locator("#ballot-total").inner_text()
    assert "," not in total.split(":")[1]  # "40 000 000", never "40,000,000"
    page.locator("#ballot-submit").click()
    review = page.locator("#ballot-review")
    review.wait_for()
    assert page.evaluate("document.activeElement.id") == "ballot-review"
    assert review.locator("li").count() == 1
    journey.shot("review")
    page.locator("#ballot-change").click()
    assert review.is_hidden()
    page.locator("#ballot-submit").click()
    page.locator("#ballot-confirm").click()
    page.locator("#receipt").wait_for()
    journey.shot("receipt")

    journey.goto(f"/ky/budget/{pool.cycle.slug}/")
    assert card.locator(".badge.ok").inner_text() == "Сиз бул жерде добуш бердиңиз"
    assert card.locator("a.button").count() == 0
    journey.shot("cycle-after")
    journey.close()


# --- Journeys of a signed-in resident ------------------------------------------------------

# Words of English that no Kyrgyz page's own text (headings, labels, buttons, notices,
# messages) should hold: a string left untranslated shows up as one of these.
ENGLISH = re.compile(r"\b(the|and|your|you|this|with|from|for|of|is|are|not|please|here)\b",
                     re.IGNORECASE)
UI_TEXT = ("main :is(h1, h2, h3, label, button, legend, summary, th, dt, .help, .helptext, "
           ".notice, .message, .errorlist, .empty)")


def ky(text: str, context: str | None = None) -> str:
    """`text` as the Kyrgyz page shows it; it must be translated."""
    from django.utils import translation

    with translation.override("ky"):
        translated = (translation.pgettext(context, text) if context
                      else translation.gettext(text))
    assert translated != text, f"not translated into Kyrgyz: {text!r}"
    return translated


# Navigation that scrolls sideways inside itself (a row of links wider than its box): on a
# phone the links past the edge are easy to miss. Elements drawn at zero width are hidden.
SIDEWAYS_JS = """() => Array.from(document.querySelectorAll('nav, nav *'))
  .filter((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
  .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).trim()} `
    + `(${el.scrollWidth} px in ${el.clientWidth} px)`)"""

# The sample-data banner: one line, at most 40 px, its text whole, and a link explaining it.
BANNER_JS = """() => {
  const banner = document.querySelector('.sample-banner');
  if (!banner) return null;
  const text = banner.querySelector('span');
  const link = banner.querySelector('a[href]');
  return {height: banner.getBoundingClientRect().height, cut: text.scrollWidth > text.clientWidth,
          link: link && new URL(link.href).pathname};
}"""


def check_compact(page, where: str) -> None:
    """Nothing scrolls sideways inside the page's navigation; the banner is one short line."""
    sideways = page.evaluate(SIDEWAYS_JS)
    assert not sideways, f"{where}: navigation scrolls sideways: {sideways}"
    banner = page.evaluate(BANNER_JS)
    if banner is not None:
        assert banner["height"] <= 40 and not banner["cut"], f"{where}: banner {banner}"
        assert banner["link"] == "/ky/sample-data/", f"{where}: banner {banner}"


def check_page(page, where: str) -> None:
    """A Kyrgyz page that fits a 360-pixel phone, with no English in its own text."""
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ky", where
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], where
    check_compact(page, where)
    english = [text for text in page.locator(UI_TEXT).all_inner_texts()
               if ENGLISH.search(text)]
    assert not english, f"{where}: English on a Kyrgyz page: {english}"


def sign_in(journey: Journey, login: str, password: str) -> None:
    """Through the Kyrgyz log-in form, as a resident does on their phone."""
    page = journey.page
    journey.goto("/ky/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url, timeout=WAIT)


def follow(journey: Journey, href: str, where: str) -> None:
    """Open the page's first link to `href`, check the page it leads to and keep a shot."""
    page = journey.page
    page.locator(f"main a[href='{href}']").first.click()
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    journey.check(where)


def message(page) -> str:
    """The message the last action left at the top of the page."""
    messages = page.locator(".messages .message")
    messages.first.wait_for(timeout=WAIT)
    return messages.first.inner_text()


def from_account_menu(page, item: str, lands_on: str) -> None:
    """Open the phone's menu, choose `item` (a selector in the account menu) and wait until
    the browser is at a URL that matches `lands_on`."""
    page.locator(".menu-button").click()
    page.locator(f"#account-nav {item}").click()
    page.wait_for_url(re.compile(lands_on))


def test_it_signs_up_by_phone_and_signs_in_again(browser, live_server, demo) -> None:
    from shaar.accounts.models import User
    from shaar.accounts.sms import locmem

    locmem.outbox.clear()
    journey = Journey(browser, live_server, "sign-up-by-phone")
    page = journey.page
    journey.goto("/ky/")
    from_account_menu(page, "a[href='/ky/accounts/signup/']", r"/ky/accounts/signup/$")
    check_page(page, "sign-up")
    page.fill("input[name=phone]", "0700 123 456")
    page.fill("input[name=password1]", "бийик тоолор жана көк асман")
    page.fill("input[name=password2]", "бийик тоолор жана көк асман")
    journey.shot("sign-up")
    page.click("main form button[type=submit]")

    # The code comes by SMS, to the number in its international form.
    page.locator("input[name=code]").wait_for()
    journey.check("code")
    assert locmem.outbox[-1]["to"] == "+996700123456"
    code = search(r"\b(\d{6})\b", locmem.outbox[-1]["text"]).group(1)
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/ky/$"))
    user = User.objects.get(phone="+996700123456")
    assert user.phone_verified
    journey.check("home", "signed-up")

    # Log out, then in again with the number typed another way.
    from_account_menu(page, "form[action$='/accounts/logout/'] button", r"/ky/")
    from_account_menu(page, "a[href^='/ky/accounts/login/']", r"/ky/accounts/login/")
    check_page(page, "log-in")
    page.fill("input[name=login]", "996700123456")
    page.fill("input[name=password]", "бийик тоолор жана көк асман")
    journey.shot("log-in")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/ky/$"))
    page.locator(".menu-button").click()
    assert page.locator("#account-nav a[href='/ky/me/profile/']").is_visible()
    assert User.objects.filter(phone="+996700123456").count() == 1
    journey.shot("signed-in")
    journey.close()


def _proposals_cycle():
    """A cycle in its proposals phase (the demo's are in voting and delivery), with a
    city-wide pool and one per district."""
    from shaar.budgeting.models import Phase
    from shaar.budgeting.tests.factories import make_cycle, make_pool
    from shaar.city.models import District

    cycle = make_cycle(Phase.PROPOSALS, slug="budget-2028", name_ky="Жарандык бюджет 2028",
                       name_ru="Гражданский бюджет 2028", name_en="Civic budget 2028")
    make_pool(cycle, name_ky="Шаар боюнча", name_ru="Общегородской", name_en="City-wide")
    for district in District.objects.order_by("code"):
        make_pool(cycle, district, name_ky=district.name_ky, name_ru=district.name_ru)
    return cycle


def test_it_verifies_by_the_register_and_returns_to_the_proposal_form(browser, live_server,
                                                                      demo) -> None:
    from shaar.accounts import actions
    from shaar.accounts.models import Verification
    from shaar.accounts.register import read_rows
    from shaar.testing import PASSWORD, make_user

    cycle = _proposals_cycle()
    actions.register_import(rows=read_rows(io.StringIO(
        "pin,birth_year,district\n21203199000123,1990,Свердловский район\n")),
        file_name="register.csv", uploaded_by=None)
    user = make_user("journey-unverified")
    journey = Journey(browser, live_server, "verify-and-return")
    page = journey.page
    sign_in(journey, user.email, PASSWORD)

    # The proposal form asks to verify first: a form that cannot succeed is not shown.
    journey.goto(f"/ky/budget/{cycle.slug}/")
    page.locator(f"main a[href='/ky/budget/{cycle.slug}/propose/']").click()
    page.wait_for_url(re.compile(rf"/ky/budget/{cycle.slug}/propose/$"))
    assert page.locator("#proposal-form").count() == 0
    journey.check("propose-unverified")
    page.get_by_role("link", name=ky("Verify now")).click()
    page.wait_for_url(re.compile(r"/ky/me/verify/\?next="))
    journey.check("verify")

    page.fill("input[name=register-pin]", "21203199000123")
    page.fill("input[name=register-birth_year]", "1990")
    page.click("section[aria-labelledby=by-register] button[type=submit]")
    page.wait_for_url(re.compile(rf"/ky/budget/{cycle.slug}/propose/$"))
    assert message(page) == ky("You are verified as a resident.")
    page.locator("#proposal-form").wait_for()
    journey.check("propose-verified", "back-on-the-form")
    district = Verification.objects.get(user=user).district
    assert district is not None and district.code == "sverdlovsky"
    journey.close()


def test_it_proposes_a_project_and_supports_a_report(browser, live_server, demo) -> None:
    from shaar.accounts.demo import DEMO_PASSWORD
    from shaar.budgeting.models import Proposal
    from shaar.feedback.actions import OPEN_STATUSES

    cycle = _proposals_cycle()
    journey = Journey(browser, live_server, "propose-and-me-too")
    page = journey.page
    sign_in(journey, "demo-resident@example.org", DEMO_PASSWORD)
    journey.goto("/ky/budget/")
    follow(journey, f"/ky/budget/{cycle.slug}/", "cycle")
    page.get_by_role("link", name=ky("Propose a project")).click()
    page.wait_for_url(re.compile(r"/propose/$"))
    journey.check("propose", "form")

    page.fill("input[name=title]", "Ататүрк паркына отургучтар")
    page.fill("textarea[name=description]", "Парктагы эски отургучтардын ордуна 20 жаңы "
                                            "отургуч жана таштанды челектери.")
    page.locator("select[name=pool]").select_option(label="Биринчи май району")
    page.locator("select[name=category]").select_option("parks")
    page.fill("input[name=estimated_cost]", "1200000")
    journey.shot("filled")
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(r"/ky/budget/proposals/\d+/$"))
    assert message(page) == ky("Your proposal has been sent for review.")
    journey.check("proposal", "sent")
    proposal = Proposal.objects.get(title="Ататүрк паркына отургучтар")
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.author is not None and proposal.author.username == "demo-resident"
    assert proposal.pool.district is not None and proposal.pool.district.code == "pervomaisky"

    # "Me too" on an open report: the count goes up by one, once.
    report = first(Report.objects.filter(status__in=OPEN_STATUSES, is_hidden=False)
                   .order_by("-created_at"))
    before = report.supporter_count
    journey.goto(f"/ky/feedback/{report.pk}/")
    check_page(page, "report")
    page.get_by_role("button", name=ky("Me too: I have this problem too")).click()
    assert message(page) == ky("Thank you: your “me too” was added.")
    journey.check("report-supported", "me-too")
    report.refresh_from_db()
    assert report.supporter_count == before + 1
    journey.close()


def test_it_comments_on_a_proposal(browser, live_server, demo) -> None:
    from shaar.accounts.demo import DEMO_PASSWORD
    from shaar.budgeting.models import Comment, Phase, Proposal

    proposal = first(Proposal.objects.filter(cycle__phase=Phase.VOTING,
                                             status=Proposal.Status.APPROVED, hidden=False,
                                             pool__district__code="pervomaisky")
                     .order_by("pk"))
    journey = Journey(browser, live_server, "comment")
    page = journey.page
    sign_in(journey, "demo-resident@example.org", DEMO_PASSWORD)
    journey.goto(f"/ky/budget/{proposal.cycle.slug}/proposals/")
    follow(journey, f"/ky/budget/proposals/{proposal.pk}/", "proposal")
    text = "Колдойм! Кечинде да жарык болсо жакшы болмок."
    page.fill("textarea[name=text]", text)
    page.get_by_role("button", name=ky("Comment"), exact=True).click()
    page.wait_for_url(re.compile(rf"/ky/budget/proposals/{proposal.pk}/$"))
    assert message(page) == ky("Your comment is published.")
    journey.check("commented", "published")
    mine = page.locator(".comments li", has_text=text)
    mine.scroll_into_view_if_needed()
    journey.shot("commented")
    comment = Comment.objects.get(proposal=proposal, text=text)
    assert comment.author is not None and comment.author.username == "demo-resident"
    journey.close()


def test_it_follows_a_report_and_answers_was_it_fixed(browser, live_server, demo) -> None:
    from shaar.accounts.demo import DEMO_PASSWORD
    from shaar.accounts.models import User
    from shaar.feedback import actions
    from shaar.feedback.models import Status

    resident = User.objects.get(username="demo-resident")
    report = actions.report_create(category=Category.objects.get(code="streetlight"),
                                   lat=42.8746, lon=74.6120,
                                   description="Подъезддин жанындагы көчө чырагы күйбөйт.",
                                   reporter=resident)
    actions.report_change_status(report=report, actor=None, status=Status.RESOLVED,
                                 note="Чырак алмаштырылды.")
    journey = Journey(browser, live_server, "follow-and-was-it-fixed")
    page = journey.page
    sign_in(journey, "demo-resident@example.org", DEMO_PASSWORD)
    journey.goto("/ky/feedback/mine/")
    journey.check("my-reports")
    page.locator(f"main a[href='/ky/feedback/follow/{report.token}/']").click()
    page.wait_for_url(re.compile(rf"/ky/feedback/follow/{report.token}/$"))
    check_page(page, "follow")
    assert page.get_by_role("heading", name=ky("Was it fixed?")).is_visible()
    journey.shot("follow")

    page.locator("input[name=fixed][value=yes]").check()
    page.locator("input[name=score][value='5']").check()
    page.fill("textarea[name=comment]", "Рахмат, тез оңдошту.")
    journey.shot("answered")
    page.locator("section.notice button[type=submit]").click()
    assert message(page) == ky("Thank you for your answer.")
    # Answered once: the question is not asked again.
    assert page.get_by_role("heading", name=ky("Was it fixed?")).count() == 0
    journey.check("follow-after", "thanked")
    rating = report.ratings.get()
    assert rating.fixed and rating.score == 5
    journey.close()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_it_applies_for_a_grant_as_an_organisation(browser, live_server, demo) -> None:
    from shaar.accounts.demo import DEMO_PASSWORD
    from shaar.grants.models import Application, Call

    call = Call.objects.get(code="demo-green-yards-2027")
    journey = Journey(browser, live_server, "apply-for-a-grant")
    page = journey.page
    sign_in(journey, "demo-grantee@example.org", DEMO_PASSWORD)
    journey.goto("/ky/grants/")
    follow(journey, f"/ky/grants/calls/{call.code}/", "call")
    page.get_by_role("link", name=ky("Apply", "grant call")).click()
    page.wait_for_url(re.compile(r"/apply/$"))
    check_page(page, "apply")
    page.locator("select[name=profile]").select_option(label="ОФ «Жашыл короо»")
    journey.shot("apply")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ky/grants/applications/\d+/$"))
    journey.check("draft")

    page.fill("input[name=title]", "Короодогу жашыл бурч")
    page.fill("textarea[name=summary]", "Короого 30 дарак жана 6 отургуч.")
    page.fill("textarea[name=problem]", "Короодо көлөкө жок, балдар ысыкта ойношот.")
    page.fill("textarea[name=activities]", "Дарак отургузуу, отургучтарды орнотуу.")
    page.fill("textarea[name=timeline]", "Апрель–июнь 2027.")
    page.locator("select[name=district]").select_option(label="Октябрь району")
    page.fill("input[name=beneficiaries]", "400")
    page.fill("input[name='budget-0-item']", "Дарактар жана отургучтар")
    page.fill("input[name='budget-0-requested']", "200000")
    page.fill("input[name='budget-0-cofunding']", "30000")
    page.locator("section[aria-labelledby=edit] button[type=submit]").click()
    assert message(page) == ky("The draft is saved.")

    for document in call.documents.filter(is_required=True):
        form = page.locator("section[aria-labelledby=files] form[enctype]")
        form.locator("select[name=document]").select_option(str(document.pk))
        form.locator("input[name=file]").set_input_files(
            {"name": f"document-{document.pk}.pdf", "mimeType": "application/pdf",
             "buffer": PDF})
        form.locator("button[type=submit]").click()
        assert message(page) == ky("The file is attached.")
    page.locator("#eligible").wait_for()
    journey.check("eligible")
    page.get_by_role("button", name=ky("Submit the application")).click()
    assert message(page) == ky("Your application is submitted.")
    journey.check("submitted")
    application = Application.objects.get(call=call, title="Короодогу жашыл бурч")
    assert application.status == Application.Status.SUBMITTED
    assert application.profile.legal_name == "ОФ «Жашыл короо»"
    journey.close()


def test_it_comments_on_the_action_plan_in_consultation(browser, live_server, demo) -> None:
    from shaar.accounts.demo import DEMO_PASSWORD
    from shaar.actionplan.models import ActionPlan, Contribution

    plan = ActionPlan.objects.get(status=ActionPlan.Status.CONSULTATION)
    commitment = first(plan.commitments.order_by("order", "code"))
    journey = Journey(browser, live_server, "action-plan-consultation")
    page = journey.page
    sign_in(journey, "demo-resident@example.org", DEMO_PASSWORD)
    journey.goto("/ky/ogp/")
    journey.check("home")
    page.get_by_role("link", name=ky("Take part")).click()
    page.wait_for_url(re.compile(rf"/ky/ogp/plans/{plan.code}/"))
    journey.check("plan")
    page.locator(f"main a[href='/ky/ogp/commitments/{commitment.code}/']").first.click()
    page.wait_for_url(re.compile(rf"/ky/ogp/commitments/{commitment.code}/$"))
    check_page(page, "commitment")
    text = "Тургундар менен жолугушууларды кечинде өткөрүңүздөр."
    page.fill("textarea[name=text]", text)
    journey.shot("commitment")
    page.get_by_role("button", name=ky("Send comment")).click()
    page.wait_for_url(re.compile(rf"/ky/ogp/commitments/{commitment.code}/$"))
    assert message(page) == ky("Thank you. The city will publish a response to your "
                               "contribution.")
    page.locator("[data-testid=contribution]", has_text=text).wait_for()
    journey.check("commented")
    contribution = Contribution.objects.get(text=text)
    assert contribution.commitment == commitment
    assert contribution.author is not None and contribution.author.username == "demo-resident"
    journey.close()
