"""The staff console: thin views over each app's actions, one access check per object."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shaar.accounts import actions as account_actions
from shaar.accounts.models import Role, RoleAssignment
from shaar.accounts.selectors import user_by_contact
from shaar.actionplan import actions as actionplan_actions
from shaar.actionplan import selectors as actionplan_selectors
from shaar.actionplan.models import ActionPlan, BoardMember, city_today
from shaar.budgeting import actions as budgeting_actions
from shaar.budgeting.models import PHASE_ORDER, Cycle, Phase, Pool
from shaar.city import actions as city_actions
from shaar.city.models import City
from shaar.feedback import actions as feedback_actions
from shaar.feedback.models import Category, Question
from shaar.grants import actions as grants_actions
from shaar.grants.models import Call, CommitteeMember, Criterion
from shaar.lib.forms import add_action_errors, handle_form
from shaar.lib.safechange import ConfirmationRequired
from shaar.providers import actions as providers_actions
from shaar.providers import selectors as providers_selectors
from shaar.providers.models import ProviderProfile, ServiceLevel

from . import actions
from .forms import (
    AddressImportForm,
    AuditFilterForm,
    BoardMemberForm,
    BudgetImportForm,
    CallForm,
    ConfirmForm,
    CriterionForm,
    CycleForm,
    DistrictImportForm,
    EndTermForm,
    ImportForm,
    PoolForm,
    RoleFilterForm,
    RoleForm,
    SeatForm,
    ServiceLevelForm,
)
from .imports import KINDS
from .models import ImportJob
from .reference import REFERENCES, CityForm, QuestionForm, Reference

AUDIT_PAGE_SIZE = 50

# auditlog's own action names ("create", "update") have no Kyrgyz or Russian translation.
AUDIT_ACTIONS = {
    LogEntry.Action.CREATE: pgettext_lazy("audit trail", "created"),
    LogEntry.Action.UPDATE: pgettext_lazy("audit trail", "changed"),
    LogEntry.Action.DELETE: pgettext_lazy("audit trail", "deleted"),
    LogEntry.Action.ACCESS: pgettext_lazy("audit trail", "viewed"),
}
AUDIT_WORDS = {"None": "—", "": "—", "True": pgettext_lazy("audit trail", "yes"),
               "False": pgettext_lazy("audit trail", "no")}


REVERSE_RELATION = re.compile(r"^(None|\w+\.\w+\.None)$")


def readable_changes(entry: LogEntry) -> list[tuple[str, str, str]]:
    """An entry's changes as a person reads them: each field's name in the page's language
    (not `title_ky`), a choice's label (not its code), a related object's name (not its id),
    times in the city's format, "—" for nothing and yes or no for a flag."""
    try:
        changes = entry.changes_display_dict
    except Exception:  # the model is gone, or a value auditlog cannot read: the raw record
        changes = entry.changes_dict

    def word(value: object) -> str:
        text = str(value)
        return str(AUDIT_WORDS.get(text, Truncator(text).chars(60)))

    rows = []
    for label, values in changes.items():
        old, new = ([*values, "", ""])[:2]
        if all(REVERSE_RELATION.match(str(v)) for v in (old, new)):
            continue  # "actionplan.Decision.None": a reverse relation, not a change
        rows.append((capfirst(str(label)), word(old), word(new)))
    return rows


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _confirm_form(request) -> ConfirmForm:
    form = ConfirmForm(request.POST or None)
    form.is_valid()
    return form


def _confirmed(form: ConfirmForm) -> dict:
    data = getattr(form, "cleaned_data", {})
    return {"reason": data.get("reason", ""), "confirmed": bool(data.get("confirm"))}


def _confirmable_form[T](request, form, act: Callable[..., T], *, success: str,
                         redirect_to: Callable[[T], str],
                         page: Callable[..., HttpResponse]) -> HttpResponse:
    """A set-up form whose change may need a reason and a confirmation (safechange).

    A valid POST calls `act(by=, reason=, confirmed=)`: done, the answer is a message and the
    redirect. Otherwise it is `page(confirm=, confirmation=)` (the confirmation's form, and
    the ConfirmationRequired the action raised, if it did; its other refusals are on the
    form): 400 after a POST, 200 for a GET.
    """
    confirm = _confirm_form(request)
    confirmation = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = act(by=request.user, **_confirmed(confirm))
        except ConfirmationRequired as exc:
            confirmation = exc
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(redirect_to(saved))
    response = page(confirm=confirm, confirmation=confirmation)
    if request.method == "POST":
        response.status_code = 400
    return response


def _set_up_page(request, obj, form, object_page: Callable[..., HttpResponse],
                 new_template: str) -> Callable[..., HttpResponse]:
    """The page of a set-up form: the object's own page (`object_page`) with the form, or
    for a new object the form alone."""
    def page(**confirming) -> HttpResponse:
        if obj is None:
            return TemplateResponse(request, new_template, {"form": form, **confirming})
        return object_page(request, obj, form=form, **confirming)
    return page


def _button(request, act: Callable[[], object], *, redirect_to: str,
            success: str = "") -> HttpResponse:
    """A button of a list (remove, confirm): the action's refusal, or `success`, as a
    message, and back to `redirect_to` either way."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if success:
            messages.success(request, success)
    return redirect(redirect_to)


def _button_or_page(request, act: Callable[[], object], *, success: str, redirect_to: str,
                    page: Callable[[str], HttpResponse]) -> HttpResponse:
    """A button of an object's page (publish, remove): on refusal the page again, with the
    action's reason in its place (`page` sets status 400); else a message and the redirect."""
    try:
        act()
    except ValidationError as exc:
        return page(" ".join(exc.messages))
    messages.success(request, success)
    return redirect(redirect_to)


# --- Home ----------------------------------------------------------------------------------

@login_required
@require_GET
def home(request):
    _require(request.user, "console.open")
    user = request.user
    return TemplateResponse(request, "console/home.html", {
        "can": {
            "cycles": user.has_perm("budgeting.manage_cycle"),
            "review": user.has_perm("budgeting.review_queue"),
            "calls": user.has_perm("grants.manage"),
            "plans": user.has_perm("actionplan.manage"),
            "roles": user.has_perm("console.manage_roles"),
            "audit": user.has_perm("console.view_audit"),
            "budget": user.has_perm("openbudget.import_budget"),
            "register": user.has_perm("accounts.import_register"),
            "appeals": user.has_perm("feedback.import_appeals"),
            "grants": user.has_perm("grants.import_past"),
            "city": user.has_perm("city.manage"),
            "board": user.has_perm("actionplan.manage"),
            "categories": user.has_perm("feedback.manage_categories"),
            "levels": user.has_perm("providers.set_service_levels"),
            "inbox": user.has_perm("feedback.view_inbox"),
            "verify": user.has_perm("accounts.open_district_office"),
        },
        "cycles": Cycle.objects.order_by("-created_at")[:5]
        if user.has_perm("budgeting.manage_cycle") else [],
        "imports": ImportJob.objects.filter(created_by=user)[:5],
    })


# --- Civic budget cycles and pools ---------------------------------------------------------

def access_cycle_for_manager(user, slug: str) -> Cycle:
    _require(user, "budgeting.manage_cycle")
    return get_object_or_404(Cycle, slug=slug)


def access_pool_for_manager(user, slug: str, pool_id: int) -> Pool:
    cycle = access_cycle_for_manager(user, slug)
    return get_object_or_404(Pool.objects.select_related("cycle", "district"), cycle=cycle,
                             pk=pool_id)


@login_required
@require_GET
def cycles(request):
    _require(request.user, "budgeting.manage_cycle")
    return TemplateResponse(request, "console/cycles.html", {
        "cycles": Cycle.objects.prefetch_related("pools").order_by("-created_at")})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request, slug: str | None = None):
    cycle = access_cycle_for_manager(request.user, slug) if slug else None
    _require(request.user, "budgeting.manage_cycle")
    form = CycleForm(request.POST or None, instance=cycle)
    return _confirmable_form(
        request, form,
        lambda **kw: budgeting_actions.cycle_save(cycle=form.save(commit=False), **kw),
        success=_("The cycle is saved."),
        redirect_to=lambda saved: reverse("console:cycle", kwargs={"slug": saved.slug}),
        page=_set_up_page(request, cycle, form, _cycle_page, "console/cycle_form.html"))


def _cycle_page(request, cycle: Cycle, *, status: int = 200, **context) -> TemplateResponse:
    index = PHASE_ORDER.index(cycle.phase)
    return TemplateResponse(request, "console/cycle.html", {
        "cycle": cycle,
        "form": context.pop("form", None) or CycleForm(instance=cycle),
        "confirm": context.pop("confirm", None) or ConfirmForm(),
        "pools": cycle.pools.select_related("district"),
        "next_phase": Phase(PHASE_ORDER[index + 1]).label if index + 1 < len(PHASE_ORDER)
        else None,
        "previous_phase": Phase(PHASE_ORDER[index - 1]).label
        if index and not cycle.is_frozen else None,
        **context,
    }, status=status)


@login_required
@require_POST
def cycle_phase(request, slug: str):
    """Move the cycle on one phase, or (confirmed, with a reason) back one."""
    cycle = access_cycle_for_manager(request.user, slug)
    confirm = _confirm_form(request)
    try:
        if request.POST.get("direction") == "back":
            cycle = budgeting_actions.cycle_step_back(cycle=cycle, by=request.user,
                                                      **_confirmed(confirm))
        else:
            cycle = budgeting_actions.cycle_advance(cycle=cycle, by=request.user)
            if cycle.phase == Phase.IMPLEMENTATION:
                budgeting_actions.implementation_start(cycle=cycle)
    except ConfirmationRequired as exc:
        return _cycle_page(request, cycle, confirm=confirm, phase_confirmation=exc,
                           status=400)
    except ValidationError as exc:
        return _cycle_page(request, cycle, phase_error=" ".join(exc.messages), status=400)
    messages.success(request, _("The cycle is now in the phase: %(phase)s.")
                     % {"phase": cycle.get_phase_display()})
    return redirect("console:cycle", slug=cycle.slug)


@login_required
@require_http_methods(["GET", "POST"])
def pool_edit(request, slug: str, pool_id: int | None = None):
    if pool_id is None:
        cycle = access_cycle_for_manager(request.user, slug)
        pool = Pool(cycle=cycle)
    else:
        pool = access_pool_for_manager(request.user, slug, pool_id)
        cycle = pool.cycle
    form = PoolForm(request.POST or None, instance=pool)
    return _confirmable_form(
        request, form,
        lambda **kw: budgeting_actions.pool_save(pool=form.save(commit=False), **kw),
        success=_("The pool is saved."),
        redirect_to=lambda _saved: reverse("console:cycle", kwargs={"slug": cycle.slug}),
        page=lambda **confirming: TemplateResponse(request, "console/pool_form.html", {
            "cycle": cycle, "pool": pool, "form": form, **confirming}))


@login_required
@require_POST
def pool_remove(request, slug: str, pool_id: int):
    pool = access_pool_for_manager(request.user, slug, pool_id)
    return _button(request, lambda: budgeting_actions.pool_remove(pool=pool, by=request.user),
                   success=_("The pool is removed."),
                   redirect_to=reverse("console:cycle", kwargs={"slug": pool.cycle.slug}))


# --- Grant calls ---------------------------------------------------------------------------

def access_call_for_manager(user, code: str) -> Call:
    _require(user, "grants.manage")
    return get_object_or_404(Call, code=code)


@login_required
@require_GET
def calls(request):
    _require(request.user, "grants.manage")
    return TemplateResponse(request, "console/calls.html", {
        "calls": Call.objects.order_by("-opens_at")})


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, code: str | None = None):
    _require(request.user, "grants.manage")
    call = access_call_for_manager(request.user, code) if code else None
    form = CallForm(request.POST or None, instance=call)
    return _confirmable_form(
        request, form,
        lambda **kw: grants_actions.call_save(call=form.save(commit=False),
                                              districts=form.cleaned_data["districts"], **kw),
        success=_("The call is saved."),
        redirect_to=lambda saved: reverse("console:call", kwargs={"code": saved.code}),
        page=_set_up_page(request, call, form, _call_page, "console/call_form.html"))


def _call_page(request, call: Call, *, status: int = 200, **context) -> TemplateResponse:
    return TemplateResponse(request, "console/call.html", {
        "call": call,
        "form": context.pop("form", None) or CallForm(instance=call),
        "confirm": context.pop("confirm", None) or ConfirmForm(),
        "criterion_form": context.pop("criterion_form", None) or CriterionForm(),
        "seat_form": context.pop("seat_form", None) or SeatForm(),
        "criteria": call.criteria.all(),
        "committee": call.committee.select_related("user"),
        **context,
    }, status=status)


@login_required
@require_POST
def call_publish(request, code: str):
    call = access_call_for_manager(request.user, code)
    return _button_or_page(
        request, lambda: grants_actions.call_publish(call=call, by=request.user),
        success=_("The call is published."),
        redirect_to=reverse("console:call", kwargs={"code": call.code}),
        page=lambda error: _call_page(request, call, publish_error=error, status=400))


@login_required
@require_POST
def criterion_add(request, code: str):
    call = access_call_for_manager(request.user, code)
    form = CriterionForm(request.POST, instance=Criterion(call=call))
    return handle_form(
        request, form,
        lambda: grants_actions.criterion_save(criterion=form.save(commit=False),
                                              by=request.user),
        success=_("The criterion is added."),
        redirect_to=reverse("console:call", kwargs={"code": call.code}),
        page=lambda: _call_page(request, call, criterion_form=form))


@login_required
@require_POST
def criterion_remove(request, code: str, criterion_id: int):
    call = access_call_for_manager(request.user, code)
    criterion = get_object_or_404(Criterion, call=call, pk=criterion_id)
    return _button(
        request, lambda: grants_actions.criterion_remove(criterion=criterion, by=request.user),
        redirect_to=reverse("console:call", kwargs={"code": call.code}))


@login_required
@require_POST
def seat_add(request, code: str):
    call = access_call_for_manager(request.user, code)
    form = SeatForm(request.POST)
    return handle_form(
        request, form,
        lambda: grants_actions.committee_seat_add(call=call, by=request.user,
                                                  **form.cleaned_data),
        success=_("The committee member is added."),
        redirect_to=reverse("console:call", kwargs={"code": call.code}),
        page=lambda: _call_page(request, call, seat_form=form))


@login_required
@require_POST
def seat_remove(request, code: str, seat_id: int):
    call = access_call_for_manager(request.user, code)
    seat = get_object_or_404(CommitteeMember, call=call, pk=seat_id)
    return _button(
        request, lambda: grants_actions.committee_seat_remove(seat=seat, by=request.user),
        redirect_to=reverse("console:call", kwargs={"code": call.code}))


# --- Action plans (their set-up pages live in the action plan app) ------------------------

@login_required
@require_GET
def plans(request):
    _require(request.user, "actionplan.manage")
    return TemplateResponse(request, "console/plans.html", {
        "plans": ActionPlan.objects.newest_first()})


# --- The supervisory board of the action plan ----------------------------------------------

def access_board_member_for_manager(user, member_id: int) -> BoardMember:
    _require(user, "actionplan.manage")
    return get_object_or_404(BoardMember, pk=member_id)


@login_required
@require_GET
def board_members(request):
    _require(request.user, "actionplan.manage")
    today = city_today()
    members = BoardMember.objects.select_related("user").annotate(
        meetings=Count("attendance", filter=Q(attendance__present=True))).order_by(
        "sector", "position", "name")
    return TemplateResponse(request, "console/board.html", {
        "serving": members.serving(today),
        "future": members.filter(term_start__gt=today),
        "former": members.filter(term_end__lt=today).order_by("-term_end", "name"),
        "balance": actionplan_selectors.board_balance(today),
    })


def _board_member_page(request, member: BoardMember | None, *, status: int = 200,
                       **context) -> TemplateResponse:
    return TemplateResponse(request, "console/board_member.html", {
        "member": member,
        "form": context.pop("form", None) or BoardMemberForm(instance=member),
        "end_form": context.pop("end_form", None) or EndTermForm(),
        "meetings": member.attendance.count() if member else 0,
        **context,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def board_member_edit(request, member_id: int | None = None):
    _require(request.user, "actionplan.manage")
    member = access_board_member_for_manager(request.user, member_id) if member_id else None
    form = BoardMemberForm(request.POST or None, instance=member)
    return handle_form(
        request, form,
        lambda: actionplan_actions.board_member_save(member=form.save(commit=False),
                                                     by=request.user,
                                                     account=form.cleaned_data["account"]),
        success=_("The board member is saved."),
        redirect_to=lambda saved: reverse("console:board-member",
                                          kwargs={"member_id": saved.pk}),
        page=lambda: _board_member_page(request, member, form=form))


@login_required
@require_POST
def board_member_end(request, member_id: int):
    member = access_board_member_for_manager(request.user, member_id)
    form = EndTermForm(request.POST)
    return handle_form(
        request, form,
        lambda: actionplan_actions.board_member_end_term(member=member, by=request.user,
                                                         on=form.cleaned_data["on"]),
        success=_("The member's term is ended."),
        redirect_to=reverse("console:board"),
        page=lambda: _board_member_page(request, member, end_form=form))


@login_required
@require_POST
def board_member_remove(request, member_id: int):
    member = access_board_member_for_manager(request.user, member_id)
    return _button_or_page(
        request, lambda: actionplan_actions.board_member_remove(member=member, by=request.user),
        success=_("The board member is removed."), redirect_to=reverse("console:board"),
        page=lambda error: _board_member_page(request, member, remove_error=error,
                                              status=400))


# --- Service levels of providers ------------------------------------------------------------

def access_level_for_manager(user, level_id: int) -> ServiceLevel:
    _require(user, "providers.set_service_levels")
    return get_object_or_404(ServiceLevel.objects.select_related("provider__organisation"),
                             pk=level_id)


def _level_categories() -> list[tuple[str, str]]:
    names = providers_selectors.category_names()
    codes = sorted({code for codes in ProviderProfile.objects.values_list(
        "category_codes", flat=True) for code in codes or []})
    return [(code, names.get(code, code)) for code in codes]


@login_required
@require_GET
def service_levels(request):
    _require(request.user, "providers.set_service_levels")
    return _levels_page(request)


def _levels_page(request, *, status: int = 200, **context) -> TemplateResponse:
    now = timezone.now()
    levels = ServiceLevel.objects.select_related("provider__organisation", "set_by").order_by(
        "provider__organisation__code", "category_code", "-valid_from")
    in_force: set[tuple[int, str]] = set()
    rows = []
    for level in levels:
        key = (level.provider_id, level.category_code)
        state = "planned" if level.valid_from > now else (
            "former" if key in in_force else "in_force")
        if state == "in_force":
            in_force.add(key)
        rows.append((level, state))
    return TemplateResponse(request, "console/levels.html", {
        "rows": rows, "names": providers_selectors.category_names(), **context},
        status=status)


@login_required
@require_http_methods(["GET", "POST"])
def service_level_new(request):
    _require(request.user, "providers.set_service_levels")
    initial = {}
    if request.method == "GET" and request.GET.get("from", "").isdigit():
        # "Change": a new level that starts from the one shown (levels are never edited).
        base = access_level_for_manager(request.user, int(request.GET["from"]))
        initial = {"provider": base.provider_id, "category_code": base.category_code,
                   "acknowledge_hours": base.acknowledge_hours,
                   "resolve_hours": base.resolve_hours}
    form = ServiceLevelForm(request.POST or None, initial=initial,
                            categories=_level_categories())
    return handle_form(
        request, form,
        lambda: providers_actions.service_level_set(actor=request.user, **form.cleaned_data),
        success=_("The new service level is recorded."),
        redirect_to=reverse("console:levels"),
        page=lambda: TemplateResponse(request, "console/level_form.html", {"form": form}))


@login_required
@require_POST
def service_level_withdraw(request, level_id: int):
    level = access_level_for_manager(request.user, level_id)
    return _button_or_page(
        request, lambda: providers_actions.service_level_withdraw(level=level,
                                                                  actor=request.user),
        success=_("The planned service level is withdrawn."),
        redirect_to=reverse("console:levels"),
        page=lambda error: _levels_page(request, error=error, status=400))


# --- Roles and seats -----------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def roles(request):
    _require(request.user, "console.manage_roles")
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = user_by_contact(data["account"])
        if user is None:
            form.add_error("account", _("No account has this mobile number or e-mail."))
        else:
            try:
                account_actions.role_assign(
                    user=user, role=data["role"], department=data["department"],
                    organisation=data["organisation"], district=data["district"],
                    by=request.user)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("%(person)s now has the role: %(role)s. They "
                                            "must set up two-factor authentication at "
                                            "their next sign-in.")
                                 % {"person": user, "role": Role(data["role"]).label})
                return redirect("console:roles")
    filter_form = RoleFilterForm(request.GET or None)
    assignments = RoleAssignment.objects.select_related(
        "user", "department", "organisation", "district").order_by("role", "user__email")
    if filter_form.is_valid() and filter_form.cleaned_data["role"]:
        assignments = assignments.filter(role=filter_form.cleaned_data["role"])
    return TemplateResponse(request, "console/roles.html", {
        "form": form, "filter_form": filter_form, "assignments": assignments,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def role_remove(request, assignment_id: int):
    _require(request.user, "console.manage_roles")
    assignment = get_object_or_404(RoleAssignment, pk=assignment_id)
    return _button(
        request, lambda: account_actions.role_remove(assignment=assignment, by=request.user),
        success=_("The role is removed."), redirect_to=reverse("console:roles"))


# --- Imports -------------------------------------------------------------------------------

IMPORT_FORMS: dict[str, type[ImportForm]] = {
    "budget": BudgetImportForm, "addresses": AddressImportForm, "districts": DistrictImportForm}


def _import_kind(user, kind: str):
    if kind not in KINDS:
        raise Http404
    _require(user, KINDS[kind].permission)
    return KINDS[kind]


def access_job_for_user(user, job_id: int) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=job_id)
    _import_kind(user, job.kind)
    if job.created_by_id != user.pk and not user.has_perm("console.view_audit"):
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind: str):
    spec = _import_kind(request.user, kind)
    form = IMPORT_FORMS.get(kind, ImportForm)(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # The form's other fields are the import's options (the budget's year, …).
        options = {name: value for name, value in form.cleaned_data.items() if name != "file"}
        job = actions.import_check(kind=kind, data=upload.read(), file_name=upload.name,
                                   options=options, by=request.user)
        return redirect("console:import-job", job_id=job.pk)
    return TemplateResponse(request, "console/import_upload.html", {
        "kind": kind, "spec": spec, "form": form,
        "jobs": ImportJob.objects.filter(kind=kind)[:10],
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def import_template(request, kind: str):
    spec = _import_kind(request.user, kind)
    response = HttpResponse(spec.template(), content_type=spec.template_type)
    response["Content-Disposition"] = (f'attachment; filename="{kind}-template.'
                                       f'{spec.template_ext}"')
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_job(request, job_id: int):
    job = access_job_for_user(request.user, job_id)
    if request.method == "POST":
        return _button(request, lambda: actions.import_confirm(job=job, by=request.user),
                       redirect_to=reverse("console:import-job", kwargs={"job_id": job.pk}))
    template = ("console/import_job.html#progress" if request.htmx
                else "console/import_job.html")
    return TemplateResponse(request, template, {
        "job": job, "spec": KINDS[job.kind],
    }, status=400 if job.status == ImportJob.Status.REFUSED else 200)


# --- Audit trail ---------------------------------------------------------------------------

def _audited_types() -> list[tuple[str, str]]:
    ids = LogEntry.objects.values_list("content_type", flat=True).distinct()
    types = ContentType.objects.filter(pk__in=ids)
    return sorted(((str(t.pk), str(model._meta.verbose_name).capitalize())
                   for t in types if (model := t.model_class())), key=lambda choice: choice[1])


@login_required
@require_GET
def audit(request):
    _require(request.user, "console.view_audit")
    form = AuditFilterForm(request.GET or None, object_types=_audited_types())
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            term = data["person"].strip()
            entries = entries.filter(
                Q(actor__email__iexact=term) | Q(actor__phone=term)
                | Q(actor__display_name__icontains=term) | Q(actor__username=term))
        if data["object_type"]:
            entries = entries.filter(content_type_id=int(data["object_type"]))
        if data["object_id"]:
            entries = entries.filter(object_pk=data["object_id"].strip())
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(timestamp__gte=datetime.datetime.combine(
                data["date_from"], datetime.time.min, tzinfo=tz))
        if data["date_to"]:
            entries = entries.filter(timestamp__lt=datetime.datetime.combine(
                data["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.readable_action = AUDIT_ACTIONS.get(entry.action, entry.get_action_display())
        entry.readable_changes = readable_changes(entry)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(request, "console/audit.html", {
        "form": form, "page": page, "query": query.urlencode(),
    })


# --- The city's reference data -------------------------------------------------------------

def _reference(user, kind: str) -> Reference:
    if kind not in REFERENCES:
        raise Http404
    _require(user, REFERENCES[kind].permission)
    return REFERENCES[kind]


@login_required
@require_GET
def reference_list(request, kind: str):
    spec = _reference(request.user, kind)
    def shown(value):
        value = value() if callable(value) else value
        if value is None:
            return "—"
        return (_("yes") if value else _("no")) if isinstance(value, bool) else value

    objects = spec.model._default_manager.order_by(*spec.ordering)
    if spec.related:
        objects = objects.select_related(*spec.related)
    rows = [(obj, [shown(getattr(obj, column)) for column in spec.columns])
            for obj in objects]
    fields = {f.name: f for f in spec.model._meta.fields}
    return TemplateResponse(request, "console/reference_list.html", {
        "kind": kind, "spec": spec, "rows": rows,
        "headers": [fields[c].verbose_name if c in fields else "" for c in spec.columns]})


@login_required
@require_http_methods(["GET", "POST"])
def reference_edit(request, kind: str, pk: int | None = None):
    spec = _reference(request.user, kind)
    obj = get_object_or_404(spec.model, pk=pk) if pk else None
    form = spec.form(request.POST or None, instance=obj)
    questions = (obj.questions.all() if kind == "categories" and isinstance(obj, Category)
                 else None)
    return handle_form(
        request, form, lambda: spec.save(form.save(commit=False), request.user),
        success=_("Saved."),
        redirect_to=reverse("console:reference", kwargs={"kind": kind}),
        page=lambda: TemplateResponse(request, "console/reference_form.html", {
            "kind": kind, "spec": spec, "obj": obj, "form": form, "questions": questions,
            "removable": spec.remove is not None}))


@login_required
@require_POST
def reference_remove(request, kind: str, pk: int):
    spec = _reference(request.user, kind)
    if spec.remove is None:
        raise Http404
    obj = get_object_or_404(spec.model, pk=pk)
    try:
        spec.remove(obj, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("console:reference-edit", kind=kind, pk=pk)
    messages.success(request, _("Removed."))
    return redirect("console:reference", kind=kind)


@login_required
@require_http_methods(["GET", "POST"])
def city_settings(request):
    _require(request.user, "city.manage")
    form = CityForm(request.POST or None, instance=City.current())
    return handle_form(
        request, form,
        lambda: city_actions.reference_save(obj=form.save(commit=False), by=request.user),
        success=_("Saved."),
        redirect_to=reverse("console:city"),
        page=lambda: TemplateResponse(request, "console/city.html", {"form": form}))


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, category_id: int, question_id: int | None = None):
    _require(request.user, "feedback.manage_categories")
    category = get_object_or_404(Category, pk=category_id)
    question = (get_object_or_404(Question, category=category, pk=question_id) if question_id
                else Question(category=category))
    form = QuestionForm(request.POST or None, instance=question)
    return handle_form(
        request, form,
        lambda: feedback_actions.question_save(question=form.save(commit=False),
                                               by=request.user),
        success=_("Saved."),
        redirect_to=reverse("console:reference-edit",
                            kwargs={"kind": "categories", "pk": category.pk}),
        page=lambda: TemplateResponse(request, "console/question_form.html", {
            "category": category, "question": question, "form": form}))
