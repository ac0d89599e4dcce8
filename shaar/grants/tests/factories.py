"""make_* helpers for grants tests."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shaar.city.models import Organisation
from shaar.grants.models import (
    ApplicantProfile,
    Application,
    BudgetLine,
    Call,
    CommitteeMember,
    ConflictDeclaration,
    Criterion,
    Evaluation,
    Membership,
    RequiredDocument,
    Score,
)
from shaar.testing import EnglishBaseTestCase, give_totp

_n = itertools.count(1)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


def pdf_upload(name: str = "statute.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def make_call(*, open_now: bool = True, envelope: int = 1_000_000, max_per_grant: int = 300_000,
              weights: tuple = (Decimal("2"), Decimal("1"), Decimal("1")),
              required_docs: int = 1, code: str | None = None, **fields) -> Call:
    now = timezone.now()
    if open_now:
        opens, closes = now - datetime.timedelta(days=10), now + datetime.timedelta(days=10)
    else:
        opens, closes = now - datetime.timedelta(days=30), now - datetime.timedelta(days=1)
    code = code or f"call-{next(_n)}"
    defaults = dict(
        title_ky=f"{code} ky", title_ru=f"{code} ru", title_en=f"{code} en",
        description_ky="d", description_ru="d", description_en="d", envelope=envelope,
        max_per_grant=max_per_grant, opens_at=opens, closes_at=closes,
        status=Call.Status.PUBLISHED, min_group_residents=5,
        cofunding_min_percent=Decimal("10"), scale_max=10, spread_threshold=Decimal("3"))
    call = Call.objects.create(code=code, **{**defaults, **fields})
    for i, weight in enumerate(weights):
        Criterion.objects.create(call=call, name_ky=f"k{i}", name_ru=f"k{i}",
                                 name_en=f"criterion {i}", weight=weight, order=i)
    for i in range(required_docs):
        RequiredDocument.objects.create(call=call, name_ky=f"doc{i}", name_ru=f"doc{i}",
                                        name_en=f"document {i}", order=i)
    return call


def make_profile(user=None, *, registered: bool = True, resident_members: int = 10,
                 name: str | None = None) -> ApplicantProfile:
    name = name or f"Org {next(_n)}"
    organisation = Organisation.objects.create(
        code=f"org-{next(_n)}", name_ky=name, name_ru=name, name_en=name,
        kind=Organisation.Kind.NGO if registered else Organisation.Kind.COMMUNITY)
    profile = ApplicantProfile.objects.create(
        organisation=organisation, legal_name=name,
        registration_number=f"REG-{next(_n)}" if registered else "",
        resident_members=resident_members)
    if user is not None:
        Membership.objects.create(profile=profile, user=user, is_representative=True)
    return profile


def make_application(call: Call, profile: ApplicantProfile, user, *,
                     requested: int = 100_000, cofunding: int = 20_000,
                     status: str = Application.Status.DRAFT, district=None,
                     submitted_at=None, title: str | None = None) -> Application:
    application = Application.objects.create(
        call=call, profile=profile, created_by=user, title=title or f"Project {next(_n)}",
        summary="A playground", problem="No playground", activities="Build it",
        timeline="Spring", district=district, beneficiaries=300,
        requested_amount=requested, cofunding_amount=cofunding, status=status,
        submitted_at=submitted_at or (timezone.now() if status != "draft" else None))
    BudgetLine.objects.create(application=application, item="Equipment", requested=requested,
                              cofunding=cofunding)
    return application


def make_draft_in_district(user, district) -> Application:
    """A resident's draft application, from a profile of theirs, to an open call for
    `district` (reach its call and profile through the application)."""
    call = make_call()
    call.districts.add(district)
    return make_application(call, make_profile(user), user, district=district)


def at(moment: datetime.datetime):
    """Freeze the server clock that every action reads."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def seat(call: Call, user, role: str = CommitteeMember.Role.MEMBER) -> CommitteeMember:
    """A committee seat; its holder uses two-factor authentication, as the site requires."""
    if not user.authenticator_set.exists():
        give_totp(user)
    return CommitteeMember.objects.create(call=call, user=user, role=role)


def score(application: Application, evaluator, values: list[int]) -> Evaluation:
    """A submitted evaluation with VALUES in criterion order (declaration included)."""
    ConflictDeclaration.objects.get_or_create(application=application, evaluator=evaluator,
                                              defaults={"has_conflict": False})
    evaluation = Evaluation.objects.create(application=application, evaluator=evaluator,
                                           submitted_at=timezone.now())
    for criterion, value in zip(application.call.criteria.all(), values, strict=True):
        Score.objects.create(evaluation=evaluation, criterion=criterion, value=value,
                             comment="ok")
    return evaluation


class GrantsTestCase(EnglishBaseTestCase):
    """Personas from BaseTestCase; messages and URLs in English so tests read plainly."""
