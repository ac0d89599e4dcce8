"""Demo grants: one open call and one decided call whose awards are in progress.

Everything is marked as sample data. Rows are keyed by code, so `seed_demo` can run again.
Sample accounts: demo-grantee (acts for two organisations), demo-grants-chair and
demo-grants-member (the committee of both calls), with the accounts demo password.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from shaar.accounts.demo import demo_account
from shaar.accounts.models import User, Verification
from shaar.city.models import District, Organisation
from shaar.lib.demo import Scale, days_from_today

from .models import (
    ApplicantProfile,
    Application,
    Award,
    BudgetLine,
    Call,
    Clarification,
    CommitteeMember,
    ConflictDeclaration,
    Criterion,
    Decision,
    Evaluation,
    Membership,
    Report,
    ReportPhoto,
    ReportSpending,
    RequiredDocument,
    Score,
    Tranche,
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


def _call(code: str, titles: tuple[str, str, str], descriptions: tuple[str, str, str], *,
          opens: datetime.datetime, closes: datetime.datetime, status: str,
          envelope: int, max_per_grant: int) -> Call:
    call, _created = Call.objects.update_or_create(code=code, defaults={
        "title_ky": titles[0], "title_ru": titles[1], "title_en": titles[2],
        "description_ky": descriptions[0], "description_ru": descriptions[1],
        "description_en": descriptions[2], "envelope": envelope,
        "max_per_grant": max_per_grant, "opens_at": opens, "closes_at": closes,
        "status": status, "min_group_residents": 5, "cofunding_min_percent": Decimal("10"),
        "scale_max": 10, "spread_threshold": Decimal("2.5"), "is_sample": True})
    for order, (ky, ru, en, weight) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(call=call, order=order, defaults={
            "name_ky": ky, "name_ru": ru, "name_en": en, "weight": weight})
    for order, (ky, ru, en, required) in enumerate(DOCUMENTS):
        RequiredDocument.objects.update_or_create(call=call, order=order, defaults={
            "name_ky": ky, "name_ru": ru, "name_en": en, "is_required": required})
    return call


def _photo() -> ContentFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 420), (24, 40, 72))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        x = 60 + i * 100
        draw.line([(x, 380), (x, 120)], fill=(160, 160, 170), width=6)
        draw.ellipse([x - 22, 96, x + 22, 140], fill=(255, 214, 102))
    draw.text((20, 20), "SAMPLE", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="sample-street-lights.jpg")


def seed(scale: Scale | None = None) -> None:
    now = timezone.now()
    districts = {d.code: d for d in District.objects.all()}
    grantee = _user("demo-grantee", "Нурлан",
                    district=districts.get("oktyabrsky"))
    chair = _user("demo-grants-chair", "Чолпон Р.")
    member = _user("demo-grants-member", "Максат Д.")

    profiles = []
    for code, name, reg, members, _district in ORGS:
        organisation, _created = Organisation.objects.update_or_create(code=code, defaults={
            "name_ky": name, "name_ru": name, "name_en": name, "is_sample": True,
            "kind": Organisation.Kind.NGO if reg else Organisation.Kind.COMMUNITY})
        profile, _created = ApplicantProfile.objects.update_or_create(
            organisation=organisation, defaults={
                "legal_name": name, "registration_number": reg, "resident_members": members,
                "contact_email": f"{code}@example.org", "is_sample": True})
        profiles.append(profile)
    # The sample grantee acts for two organisations.
    for profile in profiles[:2]:
        Membership.objects.get_or_create(profile=profile, user=grantee,
                                         defaults={"is_representative": True})

    open_call = _call(
        "demo-green-yards-2027",
        ("Жашыл короолор 2027", "Зелёные дворы 2027", "Green courtyards 2027"),
        ("Короолорду көрктөндүрүү: дарак отургузуу, отургучтар, балдар аянтчалары. "
         "Долбоорго 300 000 сомго чейин.",
         "Благоустройство дворов: деревья, скамейки, детские площадки. До 300 000 сомов "
         "на проект.",
         "Courtyard improvements: trees, benches, playgrounds. Up to 300,000 som per project."),
        opens=days_from_today(-7, 9), closes=days_from_today(30, 18),
        status=Call.Status.PUBLISHED, envelope=ENVELOPES[2027], max_per_grant=300_000)
    for seat_user, role in ((chair, CommitteeMember.Role.CHAIR),
                            (member, CommitteeMember.Role.MEMBER)):
        CommitteeMember.objects.get_or_create(call=open_call, user=seat_user,
                                              defaults={"role": role})
    Clarification.objects.get_or_create(
        call=open_call, question="Can a school parents' committee apply without registration?",
        defaults={"answer": "Yes, as an informal group of at least 5 residents; the school "
                            "itself cannot apply.", "answered_at": now})

    finished = _call(
        "demo-lit-streets-2026",
        ("Жарык көчөлөр 2026", "Светлые улицы 2026", "Lit streets 2026"),
        ("Көчөлөрдү жана короолорду жарыктандыруу боюнча жамааттык долбоорлор.",
         "Общественные проекты по освещению улиц и дворов.",
         "Community projects to light streets and courtyards."),
        opens=days_from_today(-200, 9), closes=days_from_today(-150, 18),
        status=Call.Status.DECIDED, envelope=ENVELOPES[2026], max_per_grant=300_000)
    if finished.decided_at is None:
        Call.objects.filter(id=finished.id).update(decided_at=days_from_today(-120, 15))
    for seat_user, role in ((chair, CommitteeMember.Role.CHAIR),
                            (member, CommitteeMember.Role.MEMBER)):
        CommitteeMember.objects.get_or_create(call=finished, user=seat_user,
                                              defaults={"role": role})
    if finished.applications.exists():
        return
    criteria = list(finished.criteria.all())
    for rank, (title, org, requested, cofunding, scores, awarded) in enumerate(FINISHED, 1):
        profile = profiles[org]
        application = Application.objects.create(
            call=finished, profile=profile, created_by=grantee, title=title,
            summary=title, problem="Dark street, unsafe in winter evenings.",
            activities="Install lights with the district utility; residents maintain them.",
            timeline="May–August 2026", district=districts.get(ORGS[org][4]),
            beneficiaries=400 + 100 * rank, beneficiaries_description="residents",
            requested_amount=requested, cofunding_amount=cofunding,
            status=Application.Status.AWARDED if awarded else Application.Status.NOT_AWARDED,
            submitted_at=finished.closes_at - datetime.timedelta(days=rank), is_sample=True)
        BudgetLine.objects.create(application=application, item="LED lamps and poles",
                                  requested=int(requested * 0.7), cofunding=cofunding, order=0)
        BudgetLine.objects.create(application=application, item="Installation and cabling",
                                  requested=requested - int(requested * 0.7), cofunding=0,
                                  order=1)
        for evaluator, values in zip((chair, member), scores, strict=True):
            ConflictDeclaration.objects.create(application=application, evaluator=evaluator,
                                               has_conflict=False)
            evaluation = Evaluation.objects.create(
                application=application, evaluator=evaluator,
                submitted_at=finished.closes_at + datetime.timedelta(days=5))
            for criterion, value in zip(criteria, values, strict=True):
                Score.objects.create(evaluation=evaluation, criterion=criterion, value=value,
                                     comment="Sample comment")
        Decision.objects.create(
            application=application, awarded=bool(awarded), amount=awarded, rank=rank,
            follows_ranking=True, decided_by=chair,
            decided_at=finished.closes_at + datetime.timedelta(days=20))
        if not awarded:
            continue
        award = Award.objects.create(
            application=application, amount=awarded, agreement_number=f"GR-2026-{rank:03d}",
            agreement_signed_on=(finished.closes_at + datetime.timedelta(days=40)).date(),
            is_sample=True)
        first_date = (finished.closes_at + datetime.timedelta(days=45)).date()
        Tranche.objects.create(award=award, number=1, planned_on=first_date,
                               planned_amount=awarded * 6 // 10, status=Tranche.Status.PAID,
                               paid_on=first_date, paid_amount=awarded * 6 // 10)
        Tranche.objects.create(award=award, number=2,
                               planned_on=first_date + datetime.timedelta(days=90),
                               planned_amount=awarded - awarded * 6 // 10,
                               requires_accepted_report=True)
        if rank == 1:
            report = Report.objects.create(
                award=award, kind=Report.Kind.INTERIM, submitted_by=grantee,
                narrative="12 of 24 lamps installed; residents' council checks them weekly.",
                status=Report.Status.ACCEPTED, submitted_at=now - datetime.timedelta(days=30),
                reviewed_by=chair, reviewed_at=now - datetime.timedelta(days=25),
                review_comment="Accepted; receipts match the budget.")
            for line in application.budget_lines.all():
                ReportSpending.objects.create(report=report, budget_line=line,
                                              spent=line.requested // 2)
            photo = ReportPhoto(report=report, caption="New lamps on Ata-Jurt street (sample)")
            photo.image.save("sample-street-lights.jpg", _photo(), save=False)
            photo.save()
