"""Demo grants: one open call and one decided call whose awards are in progress.

Everything goes through the grants actions, as the city, the applicants and the committee
would, and is marked as sample data; the decided call then has its dates moved to when it ran.
Calls and organisations are keyed by code, so `seed_demo` can run again.
Sample accounts: demo-grantee (acts for two organisations), demo-grants-chair and
demo-grants-member (the committee of both calls), with the accounts demo password.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shaar.accounts.demo import demo_account, sample_residents
from shaar.accounts.models import User, Verification
from shaar.city.models import District, Organisation
from shaar.lib.demo import Scale, days_from_today, sample_photo

from . import actions
from .models import (
    ApplicantProfile,
    Application,
    Award,
    Call,
    CommitteeMember,
    Criterion,
    Decision,
    Evaluation,
    Report,
    RequiredDocument,
)

CRITERIA = [
    ("Коомчулукка пайдасы", "Польза для жителей", "Benefit to residents", Decimal("3")),
    ("Ишке ашырылышы", "Реалистичность плана", "Feasibility of the plan", Decimal("2")),
    ("Бюджеттин негиздүүлүгү", "Обоснованность бюджета", "Value for money", Decimal("2")),
    ("Жашоочулардын катышуусу", "Участие жителей", "Resident participation", Decimal("1")),
]
DOCUMENTS = [
    ("Уставдын көчүрмөсү же топтун мүчөлөрүнүн тизмеси",
     "Копия устава или список членов группы",
     "Copy of the statute or list of group members", True),
    ("Жабдуулардын баасы боюнча сунуштар", "Коммерческие предложения по ценам",
     "Price quotations", True),
    ("Колдоо каттары", "Письма поддержки", "Letters of support", False),
]
ORGS = [
    # code, name, registration number, members, district
    ("demo-jashyl-koroo", "ОФ «Жашыл короо»", "123456-3301-OO", 12, "oktyabrsky"),
    ("demo-kyzyl-too", "Кызыл-Тоо жашоочулар тобу", "", 18, "sverdlovsky"),
    ("demo-balalyk", "ОФ «Бактылуу балалык»", "220871-3300-OO", 9, "leninsky"),
    ("demo-ata-jurt", "Ата-Журт көчөсүнүн жашоочулары", "", 7, "pervomaisky"),
]
# The money each year's calls hold; the city budget's community-grants line says the same.
ENVELOPES = {2026: 600_000, 2027: 3_000_000}
# title, org index, requested, co-funding, scores of (chair, member), awarded amount
FINISHED = [
    ("Жарык көчө: Ата-Журт көчөсүнө 24 LED чырак", 3, 280_000, 45_000,
     ([9, 8, 8, 9], [8, 8, 7, 9]), 280_000),
    ("Safe crossing near School 61: lights and a speed table", 0, 240_000, 30_000,
     ([8, 9, 7, 6], [9, 7, 8, 7]), 240_000),
    ("Освещение двора на ул. Кызыл-Тоо, 12", 1, 190_000, 25_000,
     ([6, 5, 6, 8], [9, 8, 7, 9]), 0),
    ("Balalyk: lit playground path", 2, 150_000, 20_000,
     ([5, 6, 4, 5], [6, 5, 5, 4]), 0),
]


def _user(username: str, display_name: str, *, district: District | None = None) -> User:
    user = demo_account(username, display_name)
    if district is not None:
        Verification.objects.get_or_create(
            user=user, defaults={"method": Verification.Method.IN_PERSON, "district": district,
                                 "verified_at": timezone.now()})
    return user


def _profile(code: str, name: str, registration: str, members: int,
             representative: User) -> ApplicantProfile:
    """The sample organisation CODE, registered by its representative as anyone would."""
    profile = ApplicantProfile.objects.filter(organisation__code=code).first()
    if profile is None:
        profile = actions.profile_create(
            user=representative, name=name, legal_name=name, registration_number=registration,
            contact_email=f"{code}@example.org", resident_members=members)
        # The form makes a code from the name; sample organisations keep readable ones.
        Organisation.objects.filter(id=profile.organisation_id).update(code=code, is_sample=True)
        ApplicantProfile.objects.filter(id=profile.id).update(is_sample=True)
    return profile


def _call(code: str, titles: tuple[str, str, str], descriptions: tuple[str, str, str], *,
          opens: datetime.datetime, closes: datetime.datetime, envelope: int,
          committee: list[tuple[User, str, str]], admin: User) -> Call:
    """A call set up and published by the city administrator, as in the console."""
    call = actions.call_save(call=Call(
        code=code, title_ky=titles[0], title_ru=titles[1], title_en=titles[2],
        description_ky=descriptions[0], description_ru=descriptions[1],
        description_en=descriptions[2], envelope=envelope, max_per_grant=300_000,
        opens_at=opens, closes_at=closes, min_group_residents=5,
        cofunding_min_percent=Decimal("10"), scale_max=10, spread_threshold=Decimal("2.5"),
        is_sample=True), by=admin)
    for order, (ky, ru, en, weight) in enumerate(CRITERIA):
        actions.criterion_save(criterion=Criterion(
            call=call, order=order, name_ky=ky, name_ru=ru, name_en=en, weight=weight), by=admin)
    # Required documents have no form of their own yet: they are set in the admin.
    for order, (ky, ru, en, required) in enumerate(DOCUMENTS):
        RequiredDocument.objects.create(call=call, order=order, name_ky=ky, name_ru=ru,
                                        name_en=en, is_required=required)
    for user, role, side in committee:
        actions.committee_seat_add(call=call, account=user.email, role=role, side=side, by=admin)
    return actions.call_publish(call=call, by=admin)


def _pdf(label: str) -> SimpleUploadedFile:
    """A one-page PDF drawn locally, marked as a sample."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (595, 842), (255, 255, 255))
    ImageDraw.Draw(image).text((40, 40), f"SAMPLE DOCUMENT · {label}", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PDF")
    return SimpleUploadedFile(f"{label}.pdf", buffer.getvalue(), "application/pdf")


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("sample-street-lights.jpg",
                              sample_photo("street lights", seed="grants-report"), "image/jpeg")


def _apply(call: Call, profile: ApplicantProfile, user: User, title: str, requested: int,
           cofunding: int, district: District | None, beneficiaries: int) -> Application:
    """Draft, fill in, attach the required documents and submit, as an applicant does."""
    application = actions.application_create(call=call, profile=profile, user=user)
    lamps = int(requested * 0.7)
    application = actions.application_update(
        application=application, user=user,
        fields={"title": title, "summary": title,
                "problem": "Dark street, unsafe in winter evenings.",
                "activities": "Install lights with the district utility; residents maintain "
                              "them.",
                "timeline": "May–August 2026", "district": district,
                "beneficiaries": beneficiaries, "beneficiaries_description": "residents"},
        budget_lines=[{"item": "LED lamps and poles", "requested": lamps,
                       "cofunding": cofunding},
                      {"item": "Installation and cabling", "requested": requested - lamps,
                       "cofunding": 0}])
    for document in call.documents.filter(is_required=True):
        actions.attachment_add(application=application, user=user, document=document,
                               upload=_pdf(f"document-{document.order + 1}"))
    application = actions.application_submit(application=application, user=user)
    Application.objects.filter(id=application.id).update(is_sample=True)
    return application


def _evaluate(application: Application, scores: tuple[list[int], list[int]],
              committee: tuple[User, User]) -> None:
    criteria = list(application.call.criteria.order_by("order"))
    for evaluator, values in zip(committee, scores, strict=True):
        actions.conflict_declare(application=application, user=evaluator, has_conflict=False)
        actions.evaluation_save(
            application=application, user=evaluator, submit=True,
            scores={criterion.id: (value, "Sample comment")
                    for criterion, value in zip(criteria, values, strict=True)})


def _deliver(award: Award, *, grantee: User, reviewer: User, start: datetime.date,
             first_report: bool) -> None:
    """Agreement, two tranches (the first paid) and, for one grant, an accepted report."""
    award = actions.award_update_agreement(
        award=award, user=reviewer, agreement_number=f"GR-2026-{award.id:03d}",
        agreement_signed_on=start - datetime.timedelta(days=5), project_start=start,
        project_end=start + datetime.timedelta(days=120))
    first = actions.tranche_plan(award=award, user=reviewer, planned_on=start,
                                 planned_amount=award.amount * 6 // 10)
    actions.tranche_plan(award=award, user=reviewer, planned_on=start + datetime.timedelta(days=90),
                         planned_amount=award.amount - award.amount * 6 // 10,
                         requires_accepted_report=True)
    actions.tranche_pay(tranche=first, user=reviewer, paid_on=start,
                        paid_amount=award.amount * 6 // 10)
    if not first_report:
        return
    lines = award.application.budget_lines.all()
    report = actions.report_submit(
        award=award, user=grantee, kind=Report.Kind.INTERIM,
        narrative="12 of 24 lamps installed; residents' council checks them weekly.",
        spending={line.id: line.requested // 2 for line in lines}, photos=[_photo()],
        captions=["New lamps on Ata-Jurt street (sample)"])
    actions.report_review(report=report, user=reviewer, accept=True,
                          comment="Accepted; receipts match the budget.")


def _backdate(call: Call, *, opens: datetime.datetime, closes: datetime.datetime) -> None:
    """The decided call ran through the actions just now; move its clock to when it ran."""
    Call.objects.filter(id=call.id).update(opens_at=opens, closes_at=closes,
                                           decided_at=closes + datetime.timedelta(days=30))
    applications = Application.objects.filter(call=call).order_by("id")
    for days, application in enumerate(applications, 1):
        Application.objects.filter(id=application.id).update(
            submitted_at=closes - datetime.timedelta(days=days))
    Evaluation.objects.filter(application__call=call).update(
        submitted_at=closes + datetime.timedelta(days=5))
    Decision.objects.filter(application__call=call).update(
        decided_at=closes + datetime.timedelta(days=20))
    reported = closes + datetime.timedelta(days=100)
    Report.objects.filter(award__application__call=call).update(
        submitted_at=reported, reviewed_at=reported + datetime.timedelta(days=5))


def seed(scale: Scale | None = None) -> None:
    admin = User.objects.filter(username="demo-admin").first()
    residents = sample_residents(2)
    if admin is None or len(residents) < 2:
        return  # the accounts app's demo data comes first
    districts = {d.code: d for d in District.objects.all()}
    grantee = _user("demo-grantee", "Нурлан",
                    district=districts.get("oktyabrsky"))
    chair = _user("demo-grants-chair", "Чолпон Р.")
    member = _user("demo-grants-member", "Максат Д.")
    committee: list[tuple[User, str, str]] = [
        (chair, CommitteeMember.Role.CHAIR, CommitteeMember.Side.CITY),
        (member, CommitteeMember.Role.MEMBER, CommitteeMember.Side.CIVIL_SOCIETY)]
    # The sample grantee acts for the first two organisations, residents for the others.
    representatives = [grantee, grantee, *residents]
    profiles = [_profile(code, name, reg, members, representative)
                for (code, name, reg, members, _district), representative
                in zip(ORGS, representatives, strict=True)]

    if not Call.objects.filter(code="demo-green-yards-2027").exists():
        open_call = _call(
            "demo-green-yards-2027",
            ("Жашыл короолор 2027", "Зелёные дворы 2027", "Green courtyards 2027"),
            ("Короолорду көрктөндүрүү: дарак отургузуу, отургучтар, балдар аянтчалары. "
             "Долбоорго 300 000 сомго чейин.",
             "Благоустройство дворов: деревья, скамейки, детские площадки. До 300 000 сомов "
             "на проект.",
             "Courtyard improvements: trees, benches, playgrounds. Up to 300,000 som per "
             "project."),
            opens=days_from_today(-7, 9), closes=days_from_today(30, 18),
            envelope=ENVELOPES[2027], committee=committee, admin=admin)
        question = actions.clarification_ask(
            call=open_call, user=residents[0],
            question="Can a school parents' committee apply without registration?")
        actions.clarification_answer(
            clarification=question, user=admin,
            answer="Yes, as an informal group of at least 5 residents; the school itself "
                   "cannot apply.")

    if Call.objects.filter(code="demo-lit-streets-2026").exists():
        return
    # Open while the sample organisations apply, closed while the committee scores.
    now = timezone.now()
    finished = _call(
        "demo-lit-streets-2026",
        ("Жарык көчөлөр 2026", "Светлые улицы 2026", "Lit streets 2026"),
        ("Көчөлөрдү жана короолорду жарыктандыруу боюнча жамааттык долбоорлор.",
         "Общественные проекты по освещению улиц и дворов.",
         "Community projects to light streets and courtyards."),
        opens=now - datetime.timedelta(days=1), closes=now + datetime.timedelta(hours=1),
        envelope=ENVELOPES[2026], committee=committee, admin=admin)
    applied = []
    applicants = {}  # application id → the representative who applied
    for rank, (title, org, requested, cofunding, scores, awarded) in enumerate(FINISHED, 1):
        application = _apply(finished, profiles[org], representatives[org], title, requested,
                             cofunding, districts.get(ORGS[org][4]), 400 + 100 * rank)
        applied.append((application, scores, awarded))
        applicants[application.id] = representatives[org]
    Call.objects.filter(id=finished.id).update(closes_at=timezone.now())
    finished.refresh_from_db()
    for application, scores, _awarded in applied:
        application.call = finished
        _evaluate(application, scores, (chair, member))
    for application, _scores, awarded in applied:
        actions.decision_record(application=application, user=chair, awarded=bool(awarded),
                                amount=awarded)
    awards = actions.call_publish_decisions(call=finished, user=chair)
    closes = days_from_today(-150, 18)
    start = (closes + datetime.timedelta(days=45)).date()
    for index, award in enumerate(sorted(awards, key=lambda a: -a.amount)):
        _deliver(award, grantee=applicants[award.application_id], reviewer=admin, start=start,
                 first_report=index == 0)
    _backdate(finished, opens=days_from_today(-200, 9), closes=closes)
