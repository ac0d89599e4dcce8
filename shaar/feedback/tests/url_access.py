"""Who may open the feedback pages, its API and Open311 (see
shaar/web/tests/test_url_matrix.py).

Reports are public once made (unless a moderator hid them); the follow page is the
reporter's private link, open to whoever holds its token. `rules.py`: the staff inbox is
for city administrators (triage), moderators, department staff and provider staff;
appeals are registered by triage, department and provider staff; systemic issues are for
triage, moderators and department staff. A report's staff page needs `can_work_report`
(triage, or staff of the report's department or organisation: no persona works for a
demo report's department or organisation) or a moderator.
"""

from __future__ import annotations

from shaar.testing import first
from shaar.web.tests.test_url_matrix import (
    ADMINISTRATOR,
    EVERYONE,
    MODERATOR,
    NOBODY,
    PROVIDER,
    STAFF_A,
    STAFF_B,
    Access,
    flow,
    public,
)


def _report(world: dict) -> dict:
    from shaar.feedback.models import Report

    return {"report_id": first(Report.objects.public().order_by("pk")).pk}


def _token(world: dict) -> dict:
    from shaar.feedback.models import Report

    return {"token": first(Report.objects.order_by("pk")).token}


def _category(world: dict) -> dict:
    from shaar.feedback.models import Category

    return {"code": first(Category.objects.filter(is_active=True).order_by("pk")).code}


def _json(extra=None):
    def kwargs(world: dict) -> dict:
        return {"fmt": "json", **(extra(world) if extra else {})}
    return kwargs


def _open311_request(world: dict) -> dict:
    return {"request_id": _report(world)["report_id"]}


def _public(why: str, kwargs) -> Access:
    return Access(public().ok, why, kwargs=kwargs)


EXPECTED: dict[str, Access] = {
    "feedback:list": public("reports not hidden by a moderator"),
    "feedback:new": public("anyone may report, anonymously too"),
    "feedback:mine": public("a signed-in resident's own reports; anonymous visitors are told "
                            "how to follow theirs (the private link) and may log in"),
    "feedback:nearby": public("open reports nearby, to offer “me too”"),
    "feedback:map": public(),
    "feedback:map-data": public("public reports as map pins"),
    "feedback:map-clusters": flow("public reports grouped for the map's view; needs bbox "
                                  "and zoom (400 without them)"),
    "feedback:stats": public(),
    "feedback:csv": public("open data: public fields of public reports"),
    "feedback:geojson": public("open data: public fields of public reports"),
    "feedback:open311-docs": public("API documentation"),
    "feedback:detail": _public("a report not hidden by a moderator", _report),
    "feedback:support": Access(NOBODY, "POST only: a GET is refused (405)", kwargs=_report),
    "feedback:follow": _public("the reporter's private link: whoever holds the token",
                               _token),
    "feedback:inbox": Access(frozenset({MODERATOR, STAFF_A, STAFF_B, PROVIDER, ADMINISTRATOR}),
                             "feedback.view_inbox: triage (city administrators), moderators, "
                             "department and provider staff (each sees their own reports)"),
    "feedback:appeal-new": Access(frozenset({STAFF_A, STAFF_B, PROVIDER, ADMINISTRATOR}),
                                  "feedback.register_appeal: triage, department and provider "
                                  "staff"),
    "feedback:systemic": Access(frozenset({MODERATOR, STAFF_A, STAFF_B, ADMINISTRATOR}),
                                "feedback.view_systemic: triage, moderators and department "
                                "staff"),
    "feedback:staff-report": Access(frozenset({MODERATOR, ADMINISTRATOR}),
                                    "can_work_report (triage, or staff of the report's "
                                    "department or organisation: no persona is) or a "
                                    "moderator", kwargs=_report),
    "feedback:staff-action": Access(NOBODY, "POST only: a GET is refused (405)",
                                    kwargs=lambda world: {**_report(world), "action": "status"}),
    # API
    "api-1:feedback_categories": public("public API: active categories"),
    "api-1:category_detail": _public("public API: an active category", _category),
    "api-1:feedback_reports": public("public API: public reports"),
    "api-1:feedback_report_create": public("public API: the same path as the list (GET); "
                                           "reports are created with POST, anonymously too"),
    "api-1:reports_nearby": Access(NOBODY, "public API, but category, lat and lon are required "
                                   "query parameters: without them a 422 for everyone",
                                   lenient=EVERYONE),
    "api-1:report_detail": _public("public API: a report not hidden by a moderator", _report),
    "api-1:report_support": Access(NOBODY, "POST only: a GET is refused (405)",
                                   kwargs=_report),
    "api-1:report_rate": Access(NOBODY, "POST only: a GET is refused (405)", kwargs=_token),
    # Open311 GeoReport v2 (shaar/api/open311): the feedback app's public interface
    "open311-discovery": _public("Open311: public discovery", _json()),
    "open311-services": _public("Open311: public list of services", _json()),
    "open311-service": _public("Open311: an active service's definition", _json(_category)),
    "open311-requests": _public("Open311: public reports (POST needs an api_key)", _json()),
    "open311-request": _public("Open311: a public report", _json(_open311_request)),
    "open311-token": _public("Open311: token to request id, for the client holding the token",
                             _json(_token)),
}
