"""Who may open the grants pages (see shaar/web/tests/test_url_matrix.py).

Calls, results and awards are public once published. Applicant pages are scoped by
`grants.act_for` (a representative's membership of the applicant organisation),
committee pages by a seat on the call's committee, and the city's award pages by
`is_grants_manager` (city administrators). The personas hold no membership and no seat;
the administrator is a superuser, and Django answers every `has_perm` of a superuser with
yes, so object permissions built on `has_perm` let only the administrator in.
"""

from __future__ import annotations

from shaar.testing import first
from shaar.web.tests.test_url_matrix import ADMINISTRATOR, Access, public, signed_in


def _call(world: dict) -> dict:
    from shaar.grants.models import Call

    return {"code": first(Call.objects.filter(status=Call.Status.DECIDED).order_by("pk")).code}


def _open_call(world: dict) -> dict:
    from django.utils import timezone

    from shaar.grants.models import Call

    return {"code": first(Call.objects.open_at(timezone.now()).order_by("pk")).code}


def _award(world: dict) -> dict:
    from shaar.grants.models import Award

    return {"pk": first(Award.objects.order_by("pk")).pk}


def _profile(world: dict) -> dict:
    from shaar.grants.models import ApplicantProfile

    return {"pk": first(ApplicantProfile.objects.order_by("pk")).pk}


def _application(world: dict) -> dict:
    from shaar.grants.models import Application

    return {"pk": first(Application.objects.filter(status__in=[
        Application.Status.SUBMITTED, Application.Status.AWARDED,
        Application.Status.NOT_AWARDED]).order_by("pk")).pk}


def _attachment(world: dict) -> dict:
    """The demo has no attachment: add one to an application so the real check runs."""
    from django.core.files.base import ContentFile

    from shaar.grants.models import Application, Attachment

    application = Application.objects.get(**_application(world))
    attachment = Attachment(application=application, original_name="matrix.pdf", size=8)
    attachment.file.save("matrix.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    return {"pk": application.pk, "attachment_id": attachment.pk}


EXPECTED: dict[str, Access] = {
    "grants:index": public("published calls"),
    "grants:call-detail": Access(public().ok, "a published call, its rules and answers",
                                 kwargs=_call),
    "grants:results-csv": Access(public().ok, "published results of a decided call",
                                 kwargs=_call),
    "grants:results-json": Access(public().ok, "published results of a decided call",
                                  kwargs=_call),
    "grants:apply": Access(signed_in().ok, "login_required: any signed-in user may start an "
                           "application for an organisation they represent",
                           kwargs=_open_call),
    "grants:award-detail": Access(public().ok, "awards exist once decisions are published: "
                                  "public money trail", kwargs=_award),
    "grants:report-new": Access(frozenset({ADMINISTRATOR}), "grants.act_for on the award: the "
                                "grantee's representatives (no persona is one); the "
                                "superuser passes has_perm", kwargs=_award),
    "grants:my": signed_in("the user's own organisations and applications"),
    "grants:profile-create": signed_in("any signed-in user may register an organisation"),
    "grants:profile": Access(frozenset({ADMINISTRATOR}), "grants.act_for on the profile: its "
                             "representatives (no persona is one); the superuser passes "
                             "has_perm", kwargs=_profile),
    "grants:application": Access(frozenset({ADMINISTRATOR}), "grants.act_for on the "
                                 "application: the applicant's representatives (no persona "
                                 "is one); the superuser passes has_perm",
                                 kwargs=_application),
    "grants:attachment": Access(frozenset({ADMINISTRATOR}), "the applicant's representatives, "
                                "the grants manager (city administrator) and seated "
                                "evaluators who declared no conflict (no persona has a seat)",
                                kwargs=_attachment),
    "grants:committee": signed_in("login_required: the user's own committee seats (may be "
                                  "none)"),
    "grants:committee-call": Access(frozenset(), "a seat on the call's committee "
                                    "(selectors.committee_seat, not has_perm): no persona "
                                    "holds one, so nobody here", kwargs=_call),
    "grants:ranking": Access(frozenset({ADMINISTRATOR}), "a seat on the committee (none here) "
                             "or the grants manager (city administrator)", kwargs=_call),
    "grants:evaluate": Access(frozenset({ADMINISTRATOR}), "grants.evaluate: a seat on the "
                              "call's committee (no persona has one); the superuser passes "
                              "has_perm but sees only title and organisation until a "
                              "declaration, which needs a real seat", kwargs=_application),
    "grants:award-manage": Access(frozenset({ADMINISTRATOR}), "is_grants_manager: city "
                                  "administrators", kwargs=_award),
    # API
    "api-1:calls": public("public API: published calls"),
    "api-1:awards": public("public API: awards with tranches and accepted reports"),
}
