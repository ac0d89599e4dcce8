"""Pages of the OGP section. Thin: fetch through access helpers, parse with a form, call
an action, render. Bad input answers 400 with the form and its messages."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shaar.accounts.models import User
from shaar.city.models import Department
from shaar.lib import csvout
from shaar.lib.forms import add_action_errors, handle_form
from shaar.lib.http import AuthenticatedHttpRequest, HtmxHttpRequest
from shaar.lib.i18n import localized
from shaar.lib.safechange import ConfirmationRequired
from shaar.web.ratelimits import limit_write

from . import actions, selectors
from .forms import (
    AssessmentForm,
    CommitmentForm,
    ContributionForm,
    DashboardFilter,
    DecisionForm,
    HideForm,
    MeetingDocumentForm,
    MeetingForm,
    MilestoneForm,
    MinutesForm,
    MonitorForm,
    PlanDocumentForm,
    PlanForm,
    ProgressForm,
    ResponseForm,
    TransitionForm,
)
from .models import (
    ActionPlan,
    Assessment,
    BoardMember,
    Commitment,
    Contribution,
    Meeting,
    Milestone,
    city_today,
)

# --- Access helpers: the object or 404/403, nothing else ---------------------------------


def _can_see(user, plan: ActionPlan) -> bool:
    # A plan being drafted is the city's working copy; it goes public for consultation.
    return plan.status != ActionPlan.Status.DRAFTING or user.has_perm("actionplan.manage")


def access_plan_for_user(user, code: str) -> ActionPlan:
    plan = ActionPlan.objects.filter(code=code).first()
    if plan is None or not _can_see(user, plan):
        raise Http404
    return plan


def access_commitment_for_user(user, code: str) -> Commitment:
    commitment = (Commitment.objects.select_related("plan", "lead_agency")
                  .filter(code=code.upper()).first())
    if commitment is None or not _can_see(user, commitment.plan):
        raise Http404
    return commitment


def access_contribution_for_responder(user, contribution_id: int) -> Contribution:
    contribution = (Contribution.objects.select_related("plan", "commitment")
                    .filter(id=contribution_id).first())
    if contribution is None:
        raise Http404
    if not user.has_perm("actionplan.respond_contribution"):
        raise PermissionDenied
    return contribution


def access_milestone_for_reporter(user, milestone_id: int) -> Milestone:
    milestone = (Milestone.objects.select_related("commitment__plan", "responsible")
                 .filter(id=milestone_id).first())
    if milestone is None or not _can_see(user, milestone.commitment.plan):
        raise Http404
    # rules.has_perm, not user.has_perm: Django grants a superuser every permission, but
    # progress belongs to the responsible agency and the independent assessment to the
    # plan's monitor alone (see rules.py).
    if not rules.has_perm("actionplan.post_progress", user, milestone):
        raise PermissionDenied
    return milestone


def access_assessment_for_editor(user: User, code: str, kind: str
                                 ) -> tuple[Commitment, Assessment | None]:
    commitment = access_commitment_for_user(user, code)
    if kind == Assessment.Kind.SELF:
        allowed = user.has_perm("actionplan.edit_self_assessment")
    elif kind == Assessment.Kind.INDEPENDENT:
        allowed = rules.has_perm("actionplan.edit_independent_assessment", user, commitment)
    else:
        raise Http404
    if not allowed:
        raise PermissionDenied
    assessment = commitment.assessments.filter(kind=kind).first()
    return commitment, assessment


def access_meeting_for_user(user, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("plan").filter(id=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def _require_manager(user) -> None:
    if not user.has_perm("actionplan.manage"):
        raise PermissionDenied


# --- Public pages ----------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> TemplateResponse:
    status = selectors.section_status()
    plans = list(ActionPlan.objects.visible_to(request.user))
    plan = selectors.current_plan()
    if plan is not None and not _can_see(request.user, plan):
        plan = next(iter(plans), None)
    return TemplateResponse(request, "actionplan/home.html", {
        "status": status, "plans": plans, "plan": plan,
        "show_stale_warning": status.is_stale and request.user.has_perm("actionplan.manage"),
        "balance": selectors.board_balance(),
    })


@require_GET
def plan_detail(request: HttpRequest, code: str) -> TemplateResponse:
    plan = access_plan_for_user(request.user, code)
    return _plan_page(request, plan, ContributionForm())


def _plan_page(request, plan: ActionPlan, idea_form, *, status: int = 200,
               transition_form=None, confirmation=None) -> TemplateResponse:
    can_manage = request.user.has_perm("actionplan.manage")
    ideas = plan.contributions.filter(commitment__isnull=True).select_related("merged_into")
    return TemplateResponse(request, "actionplan/plan.html", {
        "plan": plan,
        "rows": selectors.dashboard(plan=plan).rows,
        "documents": plan.documents.all(),
        "ideas": ideas,
        "unanswered": plan.contributions.unanswered().count(),
        "idea_form": idea_form,
        "can_contribute": request.user.has_perm("actionplan.contribute", plan),
        "can_manage": can_manage,
        "can_respond": can_manage and plan.commitments_are_drafts,
        "can_moderate": request.user.has_perm("actionplan.moderate"),
        "transition_form": transition_form or (TransitionForm(plan=plan) if can_manage
                                               else None),
        "changes": plan.status_changes.all(),
        "confirmation": confirmation,
        "monitors": plan.monitors.filter(active=True).select_related("user"),
    }, status=status)


@login_required
@require_POST
def plan_transition(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    plan = access_plan_for_user(request.user, code)
    _require_manager(request.user)
    form = TransitionForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            plan = actions.plan_transition(plan=plan, to_status=form.cleaned_data["to_status"],
                                           by=request.user, note=form.cleaned_data["note"],
                                           confirmed=form.cleaned_data["confirm"])
        except ConfirmationRequired as exc:
            return _plan_page(request, plan, ContributionForm(), status=400,
                              transition_form=form, confirmation=exc)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The plan is now “%(status)s”.")
                             % {"status": plan.get_status_display()})
            return redirect("actionplan:plan", code=plan.code)
    return _plan_page(request, plan, ContributionForm(), status=400, transition_form=form)


@login_required
@require_POST
def contribute(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A new idea for the plan (no commitment) or, with ?commitment=, a comment on one."""
    plan = access_plan_for_user(request.user, code)
    commitment = None
    if request.POST.get("commitment"):
        commitment = access_commitment_for_user(request.user, request.POST["commitment"])
    form = ContributionForm(request.POST)
    limit_write(request, "actionplan-contribution")
    return handle_form(
        request, form,
        lambda: actions.contribution_submit(plan=plan, author=request.user,
                                            commitment=commitment, **form.cleaned_data),
        success=_("Thank you. The city will publish a response to your contribution."),
        redirect_to=_contribution_place(plan, commitment),
        page=lambda: (_commitment_page(request, commitment, form) if commitment is not None
                      else _plan_page(request, plan, form)))


def _contribution_place(plan: ActionPlan, commitment: Commitment | None) -> str:
    """The page where a contribution is shown: its commitment's, or else its plan's."""
    if commitment is not None:
        return reverse("actionplan:commitment", kwargs={"code": commitment.code})
    return reverse("actionplan:plan", kwargs={"code": plan.code})


@require_GET
def commitment_detail(request: HttpRequest, code: str) -> TemplateResponse:
    commitment = access_commitment_for_user(request.user, code)
    return _commitment_page(request, commitment, ContributionForm())


def _commitment_page(request, commitment: Commitment, comment_form, *,
                     status: int = 200) -> TemplateResponse:
    today = city_today()
    milestones = list(commitment.milestones.select_related("responsible")
                      .prefetch_related("updates__evidence", "updates__department"))
    for milestone in milestones:
        milestone.is_late = milestone.is_overdue(today)
        milestone.can_report = rules.has_perm("actionplan.post_progress", request.user,
                                              milestone)
    assessments = {a.kind: a for a in commitment.assessments.all()}
    return TemplateResponse(request, "actionplan/commitment.html", {
        "commitment": commitment,
        "plan": commitment.plan,
        "milestones": milestones,
        "percent": selectors.commitment_percent(commitment),
        "self_assessment": assessments.get(Assessment.Kind.SELF),
        "independent_assessment": assessments.get(Assessment.Kind.INDEPENDENT),
        "can_manage": request.user.has_perm("actionplan.manage"),
        "can_moderate": request.user.has_perm("actionplan.moderate"),
        "can_edit_self": request.user.has_perm("actionplan.edit_self_assessment"),
        "can_edit_independent": rules.has_perm("actionplan.edit_independent_assessment",
                                               request.user, commitment),
        "contributions": commitment.contributions.select_related("merged_into"),
        "merged": commitment.merged_contributions.exclude(commitment=commitment),
        "comment_form": comment_form,
        "can_contribute": request.user.has_perm("actionplan.contribute", commitment.plan),
        "can_respond": request.user.has_perm("actionplan.respond_contribution")
        and commitment.plan.commitments_are_drafts,
        "history": selectors.commitment_history(commitment),
        "decisions": commitment.decisions.select_related("meeting"),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_respond(request: AuthenticatedHttpRequest, contribution_id: int) -> HttpResponse:
    contribution = access_contribution_for_responder(request.user, contribution_id)
    plan = contribution.plan
    initial = {"response": contribution.response, "response_text": contribution.response_text,
               "merged_into": contribution.merged_into_id}
    form = ResponseForm(request.POST or None, plan=plan, initial=initial)
    return handle_form(
        request, form,
        lambda: actions.contribution_respond(contribution=contribution, by=request.user,
                                             response=form.cleaned_data["response"],
                                             reasons=form.cleaned_data["response_text"],
                                             merged_into=form.cleaned_data["merged_into"]),
        success=_("Your response is published."),
        redirect_to=_contribution_place(plan, contribution.commitment),
        page=lambda: TemplateResponse(request, "actionplan/respond.html", {
            "contribution": contribution, "plan": plan, "form": form}))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_hide(request: AuthenticatedHttpRequest, contribution_id: int) -> HttpResponse:
    contribution = Contribution.objects.select_related("plan", "commitment").filter(
        id=contribution_id).first()
    if contribution is None:
        raise Http404
    if not request.user.has_perm("actionplan.moderate"):
        raise PermissionDenied
    form = HideForm(request.POST or None)
    return handle_form(
        request, form,
        lambda: actions.contribution_hide(contribution=contribution, by=request.user,
                                          reason=form.cleaned_data["reason"]),
        success=_("The contribution is hidden."),
        redirect_to=_contribution_place(contribution.plan, contribution.commitment),
        page=lambda: _staff_form(request, form, title=_("Hide a contribution"),
                                 back=contribution.text[:200]))


@login_required
@require_http_methods(["GET", "POST"])
def progress_post(request: AuthenticatedHttpRequest, milestone_id: int) -> HttpResponse:
    milestone = access_milestone_for_reporter(request.user, milestone_id)
    form = ProgressForm(request.POST or None, request.FILES or None,
                        initial={"status": milestone.status, "completion": milestone.completion})
    return handle_form(
        request, form,
        lambda: actions.progress_post(milestone=milestone, by=request.user,
                                      text=form.cleaned_data["text"],
                                      status=form.cleaned_data["status"],
                                      completion=form.cleaned_data["completion"],
                                      links=form.link_list(), files=form.cleaned_data["files"]),
        success=_("Progress published."),
        redirect_to=reverse("actionplan:commitment", kwargs={"code": milestone.commitment.code}),
        page=lambda: TemplateResponse(request, "actionplan/progress.html", {
            "milestone": milestone, "commitment": milestone.commitment, "form": form}))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: AuthenticatedHttpRequest, code: str, kind: str) -> HttpResponse:
    commitment, assessment = access_assessment_for_editor(request.user, code, kind)
    form = AssessmentForm(request.POST or None, initial=AssessmentForm.initial_from(assessment))
    return handle_form(
        request, form,
        lambda: actions.assessment_save(commitment=commitment, kind=kind, by=request.user,
                                        data=form.cleaned_data),
        success=_("Assessment saved."),
        redirect_to=reverse("actionplan:commitment", kwargs={"code": commitment.code}),
        page=lambda: TemplateResponse(request, "actionplan/assessment_form.html", {
            "commitment": commitment, "kind_label": Assessment.Kind(kind).label,
            "form": form}))


@require_GET
def dashboard(request: HtmxHttpRequest) -> TemplateResponse:
    plans = list(ActionPlan.objects.visible_to(request.user))
    plan_code = request.GET.get("plan", "")
    plan = next((p for p in plans if p.code == plan_code), None)
    if plan is None:
        current = selectors.current_plan()
        plan = current if current in plans else next(iter(plans), None)
    agencies = Department.objects.filter(ogp_commitments__plan=plan).distinct() if plan else []
    form = DashboardFilter(request.GET or None, agencies=agencies)
    value, agency = "", None
    if form.is_valid():
        value = form.cleaned_data["value"] or ""
        agency = form.cleaned_data["agency"]
    data = selectors.dashboard(plan=plan, value=value, agency_id=agency)
    template = "actionplan/dashboard.html"
    if request.htmx:
        template += "#results"
    return TemplateResponse(request, template, {
        "data": data, "plan": plan, "plans": plans, "form": form,
        "status": 200 if not form.errors else 400,
    }, status=200 if not form.errors else 400)


@require_GET
def plan_print(request: HttpRequest, code: str) -> TemplateResponse:
    plan = access_plan_for_user(request.user, code)
    commitments = selectors.commitments_for_plan(plan).prefetch_related("assessments")
    return TemplateResponse(request, "actionplan/print.html", {
        "plan": plan, "commitments": commitments, "today": city_today(),
    })


CSV_HEADER = ["plan", "commitment_id", "title", "lead_agency", "ogp_values", "start_date",
              "end_date", "budget_kgs", "completion_percent", "milestone", "milestone_start",
              "milestone_end", "responsible", "status", "completion", "overdue", "is_sample"]


@require_GET
def plan_export_csv(request: HttpRequest, code: str) -> HttpResponse:
    """One row per milestone (commitments without milestones get one row), in the page's
    language; the JSON export has every language."""
    plan = access_plan_for_user(request.user, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="ogp-{plan.code}-'
                                       f'{request.LANGUAGE_CODE}.csv"')
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csvout.writer(response)
    writer.writerow(CSV_HEADER)
    today = city_today()
    for commitment in selectors.commitments_for_plan(plan):
        base = [plan.code, commitment.code, commitment.title, commitment.lead_agency.name,
                ";".join(v.value for v in commitment.ogp_values),
                commitment.start_date.isoformat(), commitment.end_date.isoformat(),
                commitment.budget if commitment.budget is not None else "",
                selectors.commitment_percent(commitment)]
        milestones = list(commitment.milestones.all())
        if not milestones:
            writer.writerow([*base, "", "", "", "", "", "", "", commitment.is_sample])
        for m in milestones:
            writer.writerow([*base, localized(m, "deliverable"), m.start_date.isoformat(),
                             m.end_date.isoformat(), m.responsible.name, m.status,
                             m.completion, m.is_overdue(today), m.is_sample])
    return response


@require_GET
def plan_export_json(request: HttpRequest, code: str) -> JsonResponse:
    plan = access_plan_for_user(request.user, code)
    response = JsonResponse(selectors.export_plan(plan), encoder=DjangoJSONEncoder,
                            json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="ogp-{plan.code}.json"'
    return response


# --- Content of the plan (city administrators) ---------------------------------------------


def _staff_form(request, form, *, title: str, back: str = "", meeting=None,
                multipart: bool = False) -> TemplateResponse:
    return TemplateResponse(request, "actionplan/staff_form.html", {
        "form": form, "title": title, "multipart": multipart, "back": back, "meeting": meeting,
    })


def _by_language(data: dict, field: str) -> dict[str, str]:
    """A text typed in each language (`title_ky`, `title_ru`, `title_en`), by language."""
    return {code: data[f"{field}_{code}"] for code in ("ky", "ru", "en")}


def _document(form: MeetingDocumentForm) -> dict[str, Any]:
    """A document form's file or link and its title in each language, as the actions that
    publish a document (of the plan, or of a board meeting) take them."""
    data = form.cleaned_data
    return {"upload": data["file"], "url": data["url"] or "",
            "titles": _by_language(data, "title")}


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(request: AuthenticatedHttpRequest, code: str, commitment_code: str = ""
                    ) -> HttpResponse:
    """A new commitment for plan CODE, or an existing one when COMMITMENT_CODE is given."""
    plan = access_plan_for_user(request.user, code)
    _require_manager(request.user)
    if commitment_code:
        commitment = access_commitment_for_user(request.user, commitment_code)
        if commitment.plan_id != plan.id:
            raise Http404
    else:
        commitment = Commitment(plan=plan, start_date=plan.start_date, end_date=plan.end_date)
    form = CommitmentForm(request.POST or None, instance=commitment)
    title = _("Edit commitment") if commitment.pk else _("New commitment")
    return handle_form(
        request, form,
        lambda: actions.commitment_save(commitment=form.instance, by=request.user),
        success=_("Commitment saved."),
        redirect_to=lambda saved: reverse("actionplan:commitment",
                                          kwargs={"code": saved.code}),
        page=lambda: _staff_form(request, form, title=title, back=plan.title))


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request: AuthenticatedHttpRequest, code: str, milestone_id: int | None = None
                   ) -> HttpResponse:
    commitment = access_commitment_for_user(request.user, code)
    _require_manager(request.user)
    if milestone_id is not None:
        milestone = commitment.milestones.filter(id=milestone_id).first()
        if milestone is None:
            raise Http404
    else:
        milestone = Milestone(commitment=commitment, responsible=commitment.lead_agency,
                              start_date=commitment.start_date, end_date=commitment.end_date,
                              order=commitment.milestones.count() + 1)
    form = MilestoneForm(request.POST or None, instance=milestone)
    title = _("Edit milestone") if milestone.pk else _("New milestone")
    return handle_form(
        request, form, lambda: actions.milestone_save(milestone=form.instance, by=request.user),
        success=_("Milestone saved."),
        redirect_to=reverse("actionplan:commitment", kwargs={"code": commitment.code}),
        page=lambda: _staff_form(request, form, title=title, back=str(commitment)))


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, code: str = "") -> HttpResponse:
    """A new plan (it starts in drafting), or the texts and dates of plan CODE."""
    _require_manager(request.user)
    plan = access_plan_for_user(request.user, code) if code else ActionPlan()
    form = PlanForm(request.POST or None, instance=plan)
    title = _("Edit plan") if plan.pk else _("New action plan")
    back = plan.title if plan.pk else ""
    return handle_form(
        request, form, lambda: actions.plan_save(plan=form.instance, by=request.user),
        success=_("Plan saved."),
        redirect_to=lambda saved: reverse("actionplan:plan", kwargs={"code": saved.code}),
        page=lambda: _staff_form(request, form, title=title, back=back))


@login_required
@require_http_methods(["GET", "POST"])
def monitor_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    plan = access_plan_for_user(request.user, code)
    _require_manager(request.user)
    form = MonitorForm(request.POST or None)
    return handle_form(
        request, form,
        lambda: actions.monitor_appoint_by_account(
            plan=plan, by=request.user, account=form.cleaned_data["account"],
            organisation=form.cleaned_data["organisation"]),
        success=_("Independent monitor appointed."),
        redirect_to=reverse("actionplan:plan", kwargs={"code": plan.code}),
        page=lambda: _staff_form(request, form, title=_("Appoint the independent monitor"),
                                 back=plan.title))


@login_required
@require_http_methods(["GET", "POST"])
def plan_document_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    plan = access_plan_for_user(request.user, code)
    _require_manager(request.user)
    form = PlanDocumentForm(request.POST or None, request.FILES or None)
    return handle_form(
        request, form,
        lambda: actions.plan_document_add(by=request.user, plan=plan, **_document(form)),
        success=_("Document published."),
        redirect_to=reverse("actionplan:plan", kwargs={"code": plan.code}),
        page=lambda: _staff_form(request, form, title=_("Publish a document"),
                                 back=plan.title, multipart=True))


# --- Supervisory board -----------------------------------------------------------------------


@require_GET
def board(request: HttpRequest) -> TemplateResponse:
    today = city_today()
    members = BoardMember.objects.serving(today)
    return TemplateResponse(request, "actionplan/board.html", {
        "government": members.filter(sector=BoardMember.Sector.GOVERNMENT),
        "non_government": members.filter(sector=BoardMember.Sector.NON_GOVERNMENT),
        "balance": selectors.board_balance(today),
        "upcoming": Meeting.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at"),
        "past": Meeting.objects.filter(starts_at__lt=timezone.now()).order_by("-starts_at")[:20],
        "can_manage": request.user.has_perm("actionplan.manage"),
        "former": BoardMember.objects.filter(term_end__lt=today).count(),
    })


@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> TemplateResponse:
    meeting = access_meeting_for_user(request.user, meeting_id)
    return TemplateResponse(request, "actionplan/meeting.html", {
        "meeting": meeting,
        "documents": meeting.documents.all(),
        "attendance": meeting.attendance.select_related("member").order_by("member__name"),
        "decisions": meeting.decisions.prefetch_related("commitments"),
        "can_manage": request.user.has_perm("actionplan.manage"),
        "has_started": meeting.starts_at <= timezone.now(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = MeetingForm(request.POST or None)
    return handle_form(
        request, form,
        lambda: actions.meeting_schedule(
            by=request.user, plan=selectors.current_plan(),
            starts_at=form.cleaned_data["starts_at"], location=form.cleaned_data["location"],
            titles=_by_language(form.cleaned_data, "title"),
            agendas=_by_language(form.cleaned_data, "agenda")),
        success=_("Meeting published; board members are being notified."),
        redirect_to=lambda meeting: reverse("actionplan:meeting",
                                            kwargs={"meeting_id": meeting.id}),
        page=lambda: _staff_form(request, form, title=_("Schedule a board meeting")))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_document_new(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_for_user(request.user, meeting_id)
    _require_manager(request.user)
    form = MeetingDocumentForm(request.POST or None, request.FILES or None)
    return handle_form(
        request, form,
        lambda: actions.meeting_document_share(by=request.user, meeting=meeting,
                                               **_document(form)),
        success=_("Document shared; board members are being notified."),
        redirect_to=reverse("actionplan:meeting", kwargs={"meeting_id": meeting.id}),
        page=lambda: _staff_form(request, form, title=_("Share a document with the board"),
                                 meeting=meeting, multipart=True))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_for_user(request.user, meeting_id)
    _require_manager(request.user)
    members = BoardMember.objects.serving(timezone.localtime(meeting.starts_at).date())
    initial = {f"minutes_{c}": getattr(meeting, f"minutes_{c}") for c in ("ky", "ru", "en")}
    initial["present"] = [a.member_id for a in meeting.attendance.filter(present=True)]
    form = MinutesForm(request.POST or None, members=members, initial=initial)
    return handle_form(
        request, form,
        lambda: actions.meeting_record(
            by=request.user, meeting=meeting,
            minutes=_by_language(form.cleaned_data, "minutes"),
            present_member_ids=[m.id for m in form.cleaned_data["present"]]),
        success=_("Minutes published."),
        redirect_to=reverse("actionplan:meeting", kwargs={"meeting_id": meeting.id}),
        page=lambda: _staff_form(request, form, title=_("Minutes and attendance"),
                                 meeting=meeting))


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_for_user(request.user, meeting_id)
    _require_manager(request.user)
    commitments = (meeting.plan.commitments.order_by("order", "code") if meeting.plan
                   else Commitment.objects.order_by("code"))
    form = DecisionForm(request.POST or None, commitments=commitments)
    return handle_form(
        request, form,
        lambda: actions.decision_add(by=request.user, meeting=meeting,
                                     texts=_by_language(form.cleaned_data, "text"),
                                     commitments=list(form.cleaned_data["commitments"])),
        success=_("Decision recorded."),
        redirect_to=reverse("actionplan:meeting", kwargs={"meeting_id": meeting.id}),
        page=lambda: _staff_form(request, form, title=_("Record a decision"), meeting=meeting))
