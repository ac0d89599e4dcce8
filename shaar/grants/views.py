"""Thin views: parse input, fetch through access helpers, call an action, render."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shaar.lib import csvout
from shaar.lib.forms import add_action_errors, handle_form, submit_form
from shaar.web.ratelimits import limit_write

from . import actions, forms, selectors
from .models import (
    ApplicantProfile,
    Application,
    Attachment,
    Award,
    Call,
    Clarification,
    CommitteeMember,
    ConflictDeclaration,
    Evaluation,
    Membership,
    Report,
    RequiredDocument,
    Tranche,
)
from .rules import is_grants_manager

# --- access helpers ------------------------------------------------------------------------

def access_call(code: str) -> Call:
    call = Call.objects.published().filter(code=code).first()
    if call is None:
        raise Http404
    return call


def access_profile_for_user(user, pk: int) -> ApplicantProfile:
    profile = get_object_or_404(ApplicantProfile.objects.select_related("organisation"), pk=pk)
    if not user.has_perm("grants.act_for", profile):
        raise PermissionDenied
    return profile


def access_application_for_applicant(user, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("call", "profile__organisation", "district"), pk=pk)
    if not user.has_perm("grants.act_for", application):
        raise PermissionDenied
    return application


def access_committee_call(user, code: str) -> tuple[Call, CommitteeMember]:
    call = access_call(code)
    seat = selectors.committee_seat(user, call)
    if seat is None:
        raise PermissionDenied
    return call, seat


def access_application_for_evaluator(user, pk: int) -> Application:
    """The application, only for a seated evaluator; its content needs a declaration too."""
    application = get_object_or_404(
        Application.objects.select_related("call", "profile__organisation", "district"), pk=pk)
    if not user.has_perm("grants.evaluate", application.call):
        raise PermissionDenied
    if not application.is_in_competition:
        raise Http404
    return application


def access_award_for_manager(user, pk: int) -> Award:
    if not is_grants_manager(user):
        raise PermissionDenied
    return get_object_or_404(Award.objects.select_related("application__call",
                                                          "application__profile"), pk=pk)


def access_award_for_grantee(user, pk: int) -> Award:
    award = get_object_or_404(Award.objects.select_related("application__call",
                                                           "application__profile"), pk=pk)
    if not user.has_perm("grants.act_for", award):
        raise PermissionDenied
    return award


def _can_read_application(user, application: Application) -> bool:
    if user.has_perm("grants.act_for", application) or is_grants_manager(user):
        return True
    if not user.has_perm("grants.evaluate", application.call):
        return False
    return (selectors.conflict_reason(user, application) is None
            and ConflictDeclaration.objects.filter(application=application, evaluator=user,
                                                   has_conflict=False).exists())


# --- public --------------------------------------------------------------------------------

@require_GET
def index(request):
    now = timezone.now()
    calls = list(Call.objects.published().order_by("-closes_at"))
    return TemplateResponse(request, "grants/index.html", {
        "open_calls": [c for c in calls if c.is_open(now)],
        "other_calls": [c for c in calls if not c.is_open(now)],
    })


def _public_rows(call: Call) -> list[selectors.ResultRow]:
    return selectors.call_results(call) if call.status == Call.Status.DECIDED else []


@require_http_methods(["GET", "POST"])
def call_detail(request, code: str):
    call = access_call(code)
    question_form = forms.QuestionForm()
    failed = False
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        limit_write(request, "grants-question")
        if "answer" in request.POST:
            if not is_grants_manager(request.user):
                raise PermissionDenied
            answer_form = forms.AnswerForm(request.POST)
            if answer_form.is_valid():
                clarification = get_object_or_404(
                    Clarification, pk=answer_form.cleaned_data["clarification"], call=call)
                try:
                    actions.clarification_answer(clarification=clarification,
                                                 user=request.user,
                                                 answer=answer_form.cleaned_data["answer"])
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                    failed = True
                else:
                    messages.success(request, _("The answer is published."))
                    return redirect("grants:call-detail", call.code)
            else:
                failed = True
        else:
            question_form = forms.QuestionForm(request.POST)
            done = submit_form(
                request, question_form,
                lambda: actions.clarification_ask(
                    call=call, user=request.user,
                    question=question_form.cleaned_data["question"]),
                success=_("Thank you. The answer will be published on this page."),
                redirect_to=reverse("grants:call-detail", args=[call.code]))
            if done is not None:
                return done
            failed = True
    manager = is_grants_manager(request.user)
    clarifications = call.clarifications.all() if manager else call.clarifications.exclude(
        answer="")
    return TemplateResponse(request, "grants/call_detail.html", {
        "call": call, "criteria": call.criteria.all(), "documents": call.documents.all(),
        "districts": call.districts.all(), "clarifications": clarifications,
        "question_form": question_form, "is_manager": manager,
        "is_open": call.is_open(), "rows": _public_rows(call),
        "awarded_total": selectors.awarded_total(call) if call.status == Call.Status.DECIDED
        else 0,
        "has_profiles": selectors.profiles_for_user(request.user).exists(),
    }, status=400 if failed else 200)


def _result_records(call: Call) -> list[dict]:
    records = []
    for row in _public_rows(call):
        application = row.application
        award = getattr(application, "award", None)
        records.append({
            "rank": row.rank, "title": application.title,
            "organisation": application.profile.legal_name,
            "district": application.district.code if application.district else "",
            "requested_kgs": application.requested_amount,
            "cofunding_kgs": application.cofunding_amount,
            "score": str(row.score) if row.score is not None else None,
            "awarded": application.status == Application.Status.AWARDED,
            "awarded_kgs": award.amount if award else 0,
            "award_id": award.id if award else None,
            "is_sample": application.is_sample,
        })
    return records


@require_GET
def results_csv(request, code: str):
    call = access_call(code)
    records = _result_records(call)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="grants-{call.code}.csv"'
    response.write(csvout.BOM)
    fields = ["rank", "title", "organisation", "district", "requested_kgs", "cofunding_kgs",
              "score", "awarded", "awarded_kgs", "award_id", "is_sample"]
    writer = csvout.DictWriter(response, fieldnames=fields)
    writer.writeheader()
    writer.writerows(records)
    return response


@require_GET
def results_json(request, code: str):
    call = access_call(code)
    return JsonResponse({"call": call.code, "decided": call.status == Call.Status.DECIDED,
                         "envelope_kgs": call.envelope, "applications": _result_records(call)},
                        json_dumps_params={"ensure_ascii": False})


@require_GET
def award_detail(request, pk: int):
    award = get_object_or_404(
        Award.objects.select_related("application__call", "application__profile",
                                     "application__district"), pk=pk)
    reports = award.reports.filter(status=Report.Status.ACCEPTED).prefetch_related(
        "photos", "spending__budget_line")
    tranches = award.tranches.all()
    return TemplateResponse(request, "grants/award_detail.html", {
        "award": award, "application": award.application, "tranches": tranches,
        "paid_total": sum(t.paid_amount or 0 for t in tranches), "reports": reports,
        "lines": award.application.budget_lines.all(),
        "is_grantee": request.user.has_perm("grants.act_for", award),
        "is_manager": is_grants_manager(request.user),
    })


# --- applicants ----------------------------------------------------------------------------

@login_required
@require_GET
def my(request):
    profiles = selectors.profiles_for_user(request.user)
    applications = Application.objects.filter(profile__in=profiles).select_related(
        "call", "profile", "award")
    return TemplateResponse(request, "grants/my.html", {"profiles": profiles,
                                                        "applications": applications})


@login_required
@require_http_methods(["GET", "POST"])
def profile_create(request):
    form = forms.ProfileForm(request.POST or None)
    return handle_form(
        request, form, lambda: actions.profile_create(user=request.user, **form.cleaned_data),
        success=_("The organisation is registered."),
        redirect_to=lambda profile: reverse("grants:profile", args=[profile.id]),
        page=lambda: TemplateResponse(request, "grants/profile.html",
                                      {"form": form, "profile": None}))


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, pk: int):
    profile = access_profile_for_user(request.user, pk)
    form = forms.ProfileForm(instance=profile, initial={"name": profile.organisation.name})
    member_form = forms.MemberForm()
    if request.method == "POST":
        target: BaseForm
        submit: Callable[[dict[str, Any]], object]
        if "account" in request.POST:
            member_form = forms.MemberForm(request.POST)
            target, submit = member_form, lambda d: actions.member_add(
                profile=profile, user=request.user, **d)
        else:
            form = forms.ProfileForm(request.POST, instance=ApplicantProfile.objects.get(pk=pk))
            target, submit = form, lambda d: actions.profile_update(
                profile=profile, user=request.user, **d)
        done = submit_form(request, target, lambda: submit(target.cleaned_data),
                           success=_("Saved."),
                           redirect_to=reverse("grants:profile", args=[profile.id]))
        if done is not None:
            return done
    members = Membership.objects.filter(profile=profile).select_related("user")
    return TemplateResponse(request, "grants/profile.html", {
        "form": form, "member_form": member_form, "profile": profile, "members": members,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, code: str):
    call = access_call(code)
    profiles = selectors.profiles_for_user(request.user)
    form = forms.ApplyForm(request.POST or None, profiles=profiles)
    if request.method == "POST":
        limit_write(request, "grants-application")
    if request.method == "POST" and form.is_valid():
        try:
            application = actions.application_create(
                call=call, profile=form.cleaned_data["profile"], user=request.user)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return redirect("grants:application", application.id)
    return TemplateResponse(request, "grants/apply.html", {
        "call": call, "form": form, "profiles": profiles,
    }, status=400 if request.method == "POST" else 200)


def _budget_initial(application: Application) -> list[dict]:
    return [{"item": line.item, "requested": line.requested, "cofunding": line.cofunding}
            for line in application.budget_lines.all()]


@login_required
@require_http_methods(["GET", "POST"])
def application_page(request, pk: int):
    """The applicant's page: edit the draft, attach files, check, submit, withdraw."""
    application = access_application_for_applicant(request.user, pk)
    call = application.call
    form = forms.ApplicationForm(instance=application, call=call)
    budget = forms.BudgetFormSet(initial=_budget_initial(application), prefix="budget")
    attachment_form = forms.AttachmentForm(call=call)
    errors: list[str] = []
    if request.method == "POST":
        limit_write(request, "grants-application")
        op = request.POST.get("op", "")
        try:
            if op == "save":
                form = forms.ApplicationForm(request.POST, instance=Application.objects.get(
                    pk=pk), call=call)
                budget = forms.BudgetFormSet(request.POST, prefix="budget")
                if form.is_valid() and budget.is_valid():
                    actions.application_update(
                        application=application, user=request.user,
                        fields={k: form.cleaned_data[k] for k in form.Meta.fields},
                        budget_lines=[f.cleaned_data for f in budget.forms if f.cleaned_data])
                    messages.success(request, _("The draft is saved."))
                    return redirect("grants:application", pk)
                errors.append(_("Please correct the errors below."))
            elif op == "attach":
                attachment_form = forms.AttachmentForm(request.POST, request.FILES, call=call)
                if attachment_form.is_valid():
                    doc_id = attachment_form.cleaned_data["document"]
                    document = (get_object_or_404(RequiredDocument, pk=doc_id, call=call)
                                if doc_id else None)
                    actions.attachment_add(application=application, user=request.user,
                                           upload=attachment_form.cleaned_data["file"],
                                           document=document)
                    messages.success(request, _("The file is attached."))
                    return redirect("grants:application", pk)
                errors.append(_("Choose a file to attach."))
            elif op == "detach":
                attachment_id = request.POST.get("attachment", "")
                attachment = get_object_or_404(
                    Attachment, pk=int(attachment_id) if attachment_id.isdigit() else 0,
                    application=application)
                actions.attachment_remove(attachment=attachment, user=request.user)
                return redirect("grants:application", pk)
            elif op == "submit":
                actions.application_submit(application=application, user=request.user)
                messages.success(request, _("Your application is submitted."))
                return redirect("grants:application", pk)
            elif op == "withdraw":
                actions.application_withdraw(application=application, user=request.user)
                messages.success(request, _("Your application is withdrawn."))
                return redirect("grants:application", pk)
            else:
                errors.append(_("Unknown operation."))
        except ValidationError as exc:
            errors.extend(exc.messages)
    application.refresh_from_db()
    reasons = (selectors.eligibility_reasons(application, submitter=request.user)
               if application.status == Application.Status.DRAFT else [])
    return TemplateResponse(request, "grants/application.html", {
        "application": application, "call": call, "form": form, "budget": budget,
        "attachment_form": attachment_form, "errors": errors, "reasons": reasons,
        "attachments": application.attachments.select_related("document"),
        "lines": application.budget_lines.all(), "is_open": call.is_open(),
        "is_draft": application.status == Application.Status.DRAFT,
        "can_withdraw": application.status in {Application.Status.DRAFT,
                                               Application.Status.SUBMITTED}
        and call.is_open(),
    }, status=400 if errors else 200)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_id: int):
    application = get_object_or_404(Application.objects.select_related("call"), pk=pk)
    if not _can_read_application(request.user, application):
        raise PermissionDenied
    attachment = get_object_or_404(Attachment, pk=attachment_id, application=application)
    return FileResponse(attachment.file.open("rb"), as_attachment=True,
                        filename=attachment.original_name)


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request, pk: int):
    award = access_award_for_grantee(request.user, pk)
    lines = list(award.application.budget_lines.all())
    form = forms.ReportForm(request.POST or None, request.FILES or None, lines=lines)
    if request.method == "POST":
        limit_write(request, "grants-application")
    return handle_form(
        request, form,
        lambda: actions.report_submit(award=award, user=request.user,
                                      kind=form.cleaned_data["kind"],
                                      narrative=form.cleaned_data["narrative"],
                                      spending=form.spending(),
                                      photos=form.cleaned_data["photos"]),
        success=_("Your report is sent to the city."),
        redirect_to=reverse("grants:my"),
        page=lambda: TemplateResponse(request, "grants/report_form.html", {
            "award": award, "form": form, "reports": award.reports.all()}))


# --- committee -----------------------------------------------------------------------------

@login_required
@require_GET
def committee(request):
    seats = CommitteeMember.objects.filter(user=request.user).select_related("call")
    return TemplateResponse(request, "grants/committee.html", {"seats": seats})


@login_required
@require_GET
def committee_call(request, code: str):
    call, seat = access_committee_call(request.user, code)
    applications = call.applications.filter(status__in=[
        Application.Status.SUBMITTED, Application.Status.AWARDED,
        Application.Status.NOT_AWARDED]).select_related("profile").order_by("submitted_at")
    declared = dict(ConflictDeclaration.objects.filter(
        evaluator=request.user, application__call=call).values_list("application_id",
                                                                    "has_conflict"))
    submitted = set(Evaluation.objects.filter(
        evaluator=request.user, application__call=call, submitted_at__isnull=False)
        .values_list("application_id", flat=True))
    items = []
    for application in applications:
        if selectors.is_member(request.user, application.profile_id) or declared.get(
                application.id):
            state = _("conflict of interest: no access")
        elif application.id in submitted:
            state = _("scored")
        elif application.id in declared:
            state = _("to score")
        else:
            state = _("declare conflicts first")
        items.append((application, state))
    pending = selectors.pending_for_evaluator(request.user, call)
    return TemplateResponse(request, "grants/committee_call.html", {
        "call": call, "seat": seat, "items": items, "pending": len(pending),
        "evaluation_open": call.status == Call.Status.PUBLISHED and call.is_closed(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def evaluate(request, pk: int):
    application = access_application_for_evaluator(request.user, pk)
    call = application.call
    conflict = selectors.conflict_reason(request.user, application)
    if conflict:
        return TemplateResponse(request, "grants/evaluate.html", {
            "application": application, "call": call, "conflict": conflict}, status=403)
    declaration = ConflictDeclaration.objects.filter(application=application,
                                                     evaluator=request.user).first()
    criteria = list(call.criteria.all())
    evaluation = Evaluation.objects.filter(application=application,
                                           evaluator=request.user).first()
    declaration_form = forms.DeclarationForm()
    initial: dict[str, Any] = {}
    if evaluation:
        initial["comment"] = evaluation.comment
        for score in evaluation.scores.all():
            initial[f"score_{score.criterion_id}"] = score.value
            initial[f"comment_{score.criterion_id}"] = score.comment
    score_form = forms.ScoreForm(initial=initial, criteria=criteria, scale_max=call.scale_max)
    failed = False
    if request.method == "POST":
        failed = True
        try:
            if declaration is None:
                declaration_form = forms.DeclarationForm(request.POST)
                if declaration_form.is_valid():
                    actions.conflict_declare(application=application, user=request.user,
                                             **declaration_form.cleaned_data)
                    return redirect("grants:evaluate", pk)
            else:
                score_form = forms.ScoreForm(request.POST, criteria=criteria,
                                             scale_max=call.scale_max)
                if score_form.is_valid():
                    submit = request.POST.get("op") == "submit"
                    actions.evaluation_save(application=application, user=request.user,
                                            scores=score_form.scores(),
                                            comment=score_form.cleaned_data["comment"],
                                            submit=submit)
                    messages.success(request, _("Your scores are submitted.") if submit
                                     else _("Your scores are saved as a draft."))
                    return redirect("grants:evaluate", pk)
        except ValidationError as exc:
            target = declaration_form if declaration is None else score_form
            add_action_errors(target, exc)
    if declaration is None:
        # Before the declaration the evaluator sees only the title and the organisation.
        return TemplateResponse(request, "grants/evaluate.html", {
            "application": application, "call": call, "declaration_form": declaration_form,
            "needs_declaration": True}, status=400 if failed else 200)
    own_submitted = bool(evaluation and evaluation.submitted_at)
    others: Iterable[Evaluation] = []
    if own_submitted:
        others = (Evaluation.objects.filter(application=application, submitted_at__isnull=False)
                  .exclude(evaluator=request.user).select_related("evaluator")
                  .prefetch_related("scores__criterion"))
    row = next((r for r in selectors.call_results(call)
                if r.application.id == application.id), None) if own_submitted else None
    return TemplateResponse(request, "grants/evaluate.html", {
        "application": application, "call": call, "score_form": score_form,
        "evaluation": evaluation, "own_submitted": own_submitted, "others": others,
        "row": row, "lines": application.budget_lines.all(),
        "attachments": application.attachments.select_related("document"),
        "evaluation_open": call.status == Call.Status.PUBLISHED and call.is_closed(),
    }, status=400 if failed else 200)


@login_required
@require_http_methods(["GET", "POST"])
def ranking(request, code: str):
    call = access_call(code)
    seat = selectors.committee_seat(request.user, call)
    manager = is_grants_manager(request.user)
    if seat is None and not manager:
        raise PermissionDenied
    if seat is not None and not manager and selectors.pending_for_evaluator(request.user, call):
        # The ranking reveals others' scores: only after one's own scoring is done.
        return TemplateResponse(request, "grants/ranking.html", {
            "call": call, "locked": True}, status=403)
    is_chair = seat is not None and seat.role == CommitteeMember.Role.CHAIR
    errors: list[str] = []
    if request.method == "POST":
        if not is_chair:
            raise PermissionDenied
        try:
            if request.POST.get("op") == "publish":
                actions.call_publish_decisions(call=call, user=request.user)
                messages.success(request, _("The decisions are published."))
                return redirect("grants:call-detail", call.code)
            form = forms.DecisionForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                application = get_object_or_404(Application, pk=data["application"], call=call)
                actions.decision_record(
                    application=application, user=request.user, awarded=data["awarded"],
                    amount=data["amount"] or 0, reason=data["reason"],
                    envelope_override=data["envelope_override"],
                    override_reason=data["override_reason"])
                messages.success(request, _("The decision is recorded."))
                return redirect("grants:ranking", call.code)
            errors.append(_("Please correct the decision form."))
        except ValidationError as exc:
            errors.extend(exc.messages)
    rows = selectors.call_results(call)
    return TemplateResponse(request, "grants/ranking.html", {
        "call": call, "rows": rows, "is_chair": is_chair, "errors": errors,
        "awarded_total": selectors.awarded_total(call),
        "can_decide": is_chair and call.status == Call.Status.PUBLISHED and call.is_closed(),
    }, status=400 if errors else 200)


# --- city staff: awards --------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def award_manage(request, pk: int):
    award = access_award_for_manager(request.user, pk)
    errors: list[str] = []
    if request.method == "POST":
        op = request.POST.get("op")
        form_class = {"agreement": forms.AgreementForm, "plan": forms.TrancheForm,
                      "pay": forms.PayForm, "review": forms.ReviewForm}.get(op)
        form = form_class(request.POST) if form_class else None
        if form is None or not form.is_valid():
            errors.append(_("Please check the form: some values are missing or invalid."))
        else:
            data = form.cleaned_data
            try:
                if op == "agreement":
                    actions.award_update_agreement(award=award, user=request.user, **data)
                elif op == "plan":
                    actions.tranche_plan(award=award, user=request.user, **data)
                elif op == "pay":
                    tranche = get_object_or_404(Tranche, pk=data["tranche"], award=award)
                    actions.tranche_pay(tranche=tranche, user=request.user,
                                        paid_on=data["paid_on"],
                                        paid_amount=data["paid_amount"])
                else:
                    report = get_object_or_404(Report, pk=data["report"], award=award)
                    actions.report_review(report=report, user=request.user,
                                          accept=data["decision"] == "accept",
                                          comment=data["comment"])
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("Saved."))
                return redirect("grants:award-manage", award.id)
    return TemplateResponse(request, "grants/award_manage.html", {
        "award": award, "application": award.application, "errors": errors,
        "agreement_form": forms.AgreementForm(initial={
            "agreement_number": award.agreement_number,
            "agreement_signed_on": award.agreement_signed_on,
            "project_start": award.project_start, "project_end": award.project_end}),
        "tranche_form": forms.TrancheForm(), "tranches": award.tranches.all(),
        "reports": award.reports.prefetch_related("photos", "spending__budget_line"),
    }, status=400 if errors else 200)
