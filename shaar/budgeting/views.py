"""Thin function views: parse input, call an action, render. Access through access_* helpers."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shaar.accounts.rules import district_office_ids
from shaar.city.maps import base_map_config
from shaar.city.models import District
from shaar.lib.forms import add_action_errors, handle_form, submit_form
from shaar.lib.pagecache import shared_with_visitors
from shaar.lib.qr import qr_svg
from shaar.web.ratelimits import limit_write

from . import actions, commitment, opendata, selectors
from .forms import (
    AssignForm,
    ChangeForm,
    CheckInForm,
    CommentForm,
    HideForm,
    ImplementationForm,
    MergeForm,
    PaperEntryForm,
    ProposalForm,
    ReceiptForm,
    ReviewForm,
)
from .models import (
    PHASE_ORDER,
    Ballot,
    BallotRefusal,
    Comment,
    Cycle,
    Implementation,
    PaperEntry,
    Phase,
    Pool,
    Proposal,
    TieRule,
)

# --- Access helpers -----------------------------------------------------------------------


def access_cycle(slug: str) -> Cycle:
    return get_object_or_404(Cycle.objects.public(), slug=slug)


def access_pool(cycle: Cycle, pool_id: int) -> Pool:
    return get_object_or_404(Pool.objects.select_related("district", "cycle"), pk=pool_id,
                             cycle=cycle)


def access_pool_by_slug(slug: str, pool_id: int) -> Pool:
    """The pool with its cycle (public cycles only): during voting from the process's copy
    of the frozen ballot, otherwise one query."""
    voting = selectors.voting_ballot(pool_id)
    if voting is not None and voting.pool.cycle.slug == slug:
        return voting.pool
    pool = get_object_or_404(Pool.objects.select_related("district", "cycle"), pk=pool_id,
                             cycle__slug=slug)
    cycle = pool.cycle
    if cycle.phase == Phase.INFORMATION and not cycle.is_public:
        raise Http404
    return pool


def access_sealed_pool(slug: str, pool_id: int) -> Pool:
    """A pool whose ballots are sealed: its commitment and receipt hashes are public."""
    pool = access_pool(access_cycle(slug), pool_id)
    if not pool.is_sealed:
        raise Http404
    return pool


def access_published_pool(slug: str, pool_id: int) -> Pool:
    """A pool whose results are public; before publication there is nothing to see."""
    pool = access_pool(access_cycle(slug), pool_id)
    if not pool.cycle.is_published or not hasattr(pool, "result"):
        raise Http404
    return pool


def access_proposal_for_user(user, pk: int) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("cycle", "pool__district",
                                                                 "author", "department"), pk=pk)
    is_author = user.is_authenticated and proposal.author_id == user.pk
    if proposal.status == Proposal.Status.DRAFT and not is_author:
        raise Http404
    return proposal


def access_proposal_for_reviewer(user, pk: int) -> Proposal:
    proposal = access_proposal_for_user(user, pk)
    if not user.has_perm("budgeting.review_proposal", proposal):
        raise PermissionDenied
    return proposal


def access_implementation(pk: int) -> Implementation:
    return get_object_or_404(
        Implementation.objects.select_related("proposal__cycle", "proposal__pool__district",
                                              "department"), pk=pk)


# --- Cycles -------------------------------------------------------------------------------

@require_GET
@shared_with_visitors
def index(request):
    cycles = list(Cycle.objects.public().prefetch_related("pools__district"))
    return TemplateResponse(request, "budgeting/index.html", {"cycles": cycles})


@require_GET
@shared_with_visitors
def cycle_detail(request, slug: str):
    cycle = access_cycle(slug)
    pools = list(cycle.pools.select_related("district"))
    mine = _my_pools(request.user, pools) if cycle.phase == Phase.VOTING else {}
    for pool in pools:
        pool.mine = mine.get(pool.pk, "")
    phases = [(value, label, i < cycle.phase_index, value == cycle.phase)
              for i, (value, label) in enumerate(Phase.choices)]
    return TemplateResponse(request, "budgeting/cycle.html", {
        "cycle": cycle, "pools": pools, "phases": phases,
        "can_manage": request.user.has_perm("budgeting.manage_cycle"),
        "can_paper": request.user.has_perm("budgeting.enter_paper_ballot"),
        "can_review": request.user.has_perm("budgeting.review_queue"),
    })


def _my_pools(user, pools: list[Pool]) -> dict[int, str]:
    """For a signed-in resident: per pool, "voted" or "open" (they may vote there); pools
    they may not vote in are left out. Anonymous visitors get nothing (the page is shared)."""
    if not user.is_authenticated:
        return {}
    mine = {}
    for pool in pools:
        try:
            voter = actions.voter_for_user(user, pool)
        except ValidationError:
            continue
        voted = selectors.has_voted(pool, voter_key=voter.key, account_id=user.pk)
        mine[pool.pk] = "voted" if voted else "open"
    return mine


@login_required
@require_http_methods(["GET", "POST"])
def cycle_manage(request, slug: str):
    if not request.user.has_perm("budgeting.manage_cycle"):
        raise PermissionDenied
    cycle = access_cycle(slug)
    error = None
    if request.method == "POST" and request.POST.get("action") == "count":
        try:
            counted = actions.cycle_count(cycle=cycle)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Pools sealed and counted: %(n)d.") % {"n": len(counted)})
            return redirect("budgeting:cycle-manage", slug=cycle.slug)
    elif request.method == "POST":
        try:
            cycle = actions.cycle_advance(cycle=cycle, by=request.user)
            if cycle.phase == Phase.IMPLEMENTATION:
                actions.implementation_start(cycle=cycle)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The cycle is now in the phase: %(phase)s.")
                             % {"phase": cycle.get_phase_display()})
            return redirect("budgeting:cycle-manage", slug=cycle.slug)
    index_ = PHASE_ORDER.index(cycle.phase)
    next_phase = Phase(PHASE_ORDER[index_ + 1]).label if index_ + 1 < len(PHASE_ORDER) else None
    return TemplateResponse(request, "budgeting/manage.html", {
        "cycle": cycle, "next_phase": next_phase, "error": error,
        "refusals": BallotRefusal.objects.filter(pool__cycle=cycle).select_related(
            "pool__district", "entered_by")[:50],
        "pools": [(pool, selectors.paper_tally(pool), hasattr(pool, "result"))
                  for pool in cycle.pools.select_related("district", "result")],
    }, status=400 if error else 200)


# --- Proposals ----------------------------------------------------------------------------

@require_GET
def cycle_map(request, slug: str):
    """Proposals and funded projects of one cycle on a map, with a table of the same."""
    cycle = access_cycle(slug)
    districts = list(District.objects.all())
    district = next((d for d in districts if d.code == request.GET.get("district")), None)
    show = "funded" if request.GET.get("show") == "funded" else "all"
    points = selectors.cycle_map_points(cycle, district=district, show=show)
    data = {**_map_data(), "points": [
        {"lat": p.proposal.latitude, "lon": p.proposal.longitude, "title": p.proposal.title,
         "status": p.proposal.get_status_display(), "funded": p.funded,
         "url": reverse("budgeting:proposal", args=[p.proposal.pk])} for p in points]}
    if district is not None and district.boundary:
        data["districts"] = [district.boundary]
    return TemplateResponse(request, "budgeting/cycle_map.html", {
        "cycle": cycle, "points": points, "districts": districts, "district": district,
        "show": show, "map_data": data})


@require_GET
def proposal_list(request, slug: str):
    cycle = access_cycle(slug)
    proposals = (cycle.proposals.visible().select_related("pool__district")
                 .exclude(status=Proposal.Status.WITHDRAWN).order_by("-supporters_count", "id"))
    pool_id = request.GET.get("pool", "")
    if pool_id.isdigit():
        proposals = proposals.filter(pool_id=int(pool_id))
    return TemplateResponse(request, "budgeting/proposal_list.html", {
        "cycle": cycle, "proposals": proposals[:300], "pools": cycle.pools.all(),
        "pool_id": pool_id,
    })


def _map_data(cycle_or_none=None, proposal: Proposal | None = None) -> dict:
    data = {**base_map_config(),
            "districts": [d.boundary for d in District.objects.exclude(boundary__isnull=True)]}
    if proposal is not None and proposal.latitude is not None:
        data["pin"] = [proposal.latitude, proposal.longitude]
    return data


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request, slug: str, pk: int | None = None):
    cycle = access_cycle(slug)
    proposal = None
    if pk is not None:
        proposal = access_proposal_for_user(request.user, pk)
        # The author only (not even a superuser): it is the resident's own text.
        if proposal.author_id != request.user.pk:
            raise PermissionDenied
    initial = {}
    if proposal:
        initial = {f: getattr(proposal, f) for f in ("title", "description", "category",
                                                     "estimated_cost", "latitude", "longitude")}
        initial["pool"] = proposal.pool_id
    form = ProposalForm(request.POST or None, request.FILES or None, cycle=cycle,
                        initial=initial)
    if request.method == "POST":
        limit_write(request, "budgeting-proposal")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = actions.proposal_save(
                author=request.user, cycle=cycle, pool=data["pool"], title=data["title"],
                description=data["description"], category=data["category"],
                estimated_cost=data["estimated_cost"], latitude=data["latitude"],
                longitude=data["longitude"], proposal=proposal, photos=data["photos"],
                attachments=data["attachments"])
            if "submit" in request.POST:
                actions.proposal_submit(proposal=proposal, by=request.user)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Your proposal has been sent for review.")
                             if "submit" in request.POST else _("Draft saved."))
            return redirect("budgeting:proposal", pk=proposal.pk)
    return TemplateResponse(request, "budgeting/proposal_form.html", {
        "cycle": cycle, "form": form, "proposal": proposal, "map_data": _map_data(),
    }, status=400 if request.method == "POST" else 200)


@require_GET
def proposal_detail(request, pk: int):
    proposal = access_proposal_for_user(request.user, pk)
    user = request.user
    can_moderate = user.has_perm("budgeting.moderate")
    # A moderator gets a hide form per comment, each with its own field ids.
    comments = [(c, HideForm(auto_id=f"id_comment{c.pk}_%s") if can_moderate else None)
                for c in proposal.comments.select_related("author")]
    return TemplateResponse(request, "budgeting/proposal_detail.html", {
        "proposal": proposal, "cycle": proposal.cycle, "comments": comments,
        "files": proposal.files.all(),
        "comment_form": CommentForm(), "hide_form": HideForm(),
        "is_author": user.is_authenticated and proposal.author_id == user.pk,
        "supported": user.is_authenticated and proposal.supports.filter(user=user).exists(),
        "can_moderate": can_moderate,
        "can_review": user.has_perm("budgeting.review_proposal", proposal),
        "map_data": _map_data(proposal=proposal) if proposal.latitude is not None else None,
    })


def _proposal_action(request, pk: int, do) -> HttpResponse:
    proposal = access_proposal_for_user(request.user, pk)
    try:
        message = do(proposal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("budgeting:proposal", pk=pk)
    if message:
        messages.success(request, message)
    return redirect("budgeting:proposal", pk=pk)


@login_required
@require_POST
def proposal_submit(request, pk: int):
    return _proposal_action(request, pk, lambda p: actions.proposal_submit(
        proposal=p, by=request.user) and _("Your proposal has been sent for review."))


@login_required
@require_POST
def proposal_withdraw(request, pk: int):
    return _proposal_action(request, pk, lambda p: actions.proposal_withdraw(
        proposal=p, by=request.user) and _("Your proposal has been withdrawn."))


@login_required
@require_POST
def proposal_support(request, pk: int):
    def do(p):
        now = actions.proposal_support(proposal=p, user=request.user)
        return _("Thank you for your support.") if now else _("Support removed.")
    return _proposal_action(request, pk, do)


@login_required
@require_POST
def comment_add(request, pk: int):
    limit_write(request, "budgeting-comment")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return redirect("budgeting:proposal", pk=pk)

    def do(p):
        actions.comment_add(proposal=p, author=request.user, text=form.cleaned_data["text"])
        # Said at the top of the page it reloads: the comment itself is at the bottom.
        return _("Your comment is published.")
    return _proposal_action(request, pk, do)


@login_required
@require_POST
def hide(request, pk: int, comment_id: int | None = None):
    if not request.user.has_perm("budgeting.moderate"):
        raise PermissionDenied
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a public reason for hiding this."))
        return redirect("budgeting:proposal", pk=pk)

    def do(p):
        obj = get_object_or_404(Comment, pk=comment_id, proposal=p) if comment_id else p
        actions.content_hide(obj=obj, reason=form.cleaned_data["reason"], by=request.user)
        return _("Hidden, with the public reason shown in its place.")
    return _proposal_action(request, pk, do)


# --- Review -------------------------------------------------------------------------------

@login_required
@require_GET
def review_queue(request, slug: str):
    if not request.user.has_perm("budgeting.review_queue"):
        raise PermissionDenied
    cycle = access_cycle(slug)
    proposals = cycle.proposals.exclude(status__in=[Proposal.Status.DRAFT,
                                                    Proposal.Status.WITHDRAWN]).select_related(
        "pool__district", "department")
    from shaar.accounts.rules import department_ids, is_city_admin

    from .rules import is_reviewer

    if not (is_city_admin(request.user) or is_reviewer(request.user)):
        proposals = proposals.filter(department_id__in=department_ids(request.user))
    return TemplateResponse(request, "budgeting/review_queue.html", {
        "cycle": cycle, "proposals": proposals.order_by("status", "id"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def proposal_review(request, pk: int):
    proposal = access_proposal_for_reviewer(request.user, pk)
    initial = {"legal_ok": proposal.legal_ok, "technical_ok": proposal.technical_ok,
               "competence_ok": proposal.competence_ok,
               "cost": proposal.cost or proposal.estimated_cost,
               "cost_breakdown": proposal.cost_breakdown, "reason": proposal.review_reason}
    form = ReviewForm(initial=initial)
    assign_form = AssignForm(initial={"department": proposal.department_id})
    merge_form = MergeForm()
    can_assign = request.user.has_perm("budgeting.assign_proposal")
    if request.method == "POST":
        action = request.POST.get("action", "review")
        current: Form
        try:
            if action == "assign":
                if not can_assign:
                    raise PermissionDenied
                assign_form = current = AssignForm(request.POST)
                if assign_form.is_valid():
                    actions.proposal_assign(proposal=proposal, by=request.user,
                                            department=assign_form.cleaned_data["department"])
                    return redirect("budgeting:proposal-review", pk=pk)
            elif action == "merge":
                if not request.user.has_perm("budgeting.merge_proposal"):
                    raise PermissionDenied
                merge_form = current = MergeForm(request.POST)
                if merge_form.is_valid():
                    into = Proposal.objects.filter(pk=merge_form.cleaned_data["into"]).first()
                    if into is None:
                        raise ValidationError(_("There is no proposal with this number."))
                    actions.proposal_merge(duplicate=proposal, into=into, by=request.user,
                                           reason=merge_form.cleaned_data["reason"])
                    return redirect("budgeting:proposal", pk=pk)
            else:
                form = current = ReviewForm(request.POST)
                if form.is_valid():
                    data = form.cleaned_data
                    actions.proposal_review(
                        proposal=proposal, by=request.user, legal_ok=data["legal_ok"],
                        technical_ok=data["technical_ok"],
                        competence_ok=data["competence_ok"], cost=data["cost"],
                        cost_breakdown=data["cost_breakdown"], reason=data["reason"])
                    messages.success(request, _("Review saved."))
                    return redirect("budgeting:proposal", pk=pk)
        except ValidationError as exc:
            # On the form that was sent: the others are unbound and cannot hold errors.
            add_action_errors(current, exc)
    return TemplateResponse(request, "budgeting/review.html", {
        "proposal": proposal, "form": form, "assign_form": assign_form,
        "merge_form": merge_form, "can_assign": can_assign,
    }, status=400 if request.method == "POST" else 200)


# --- Voting -------------------------------------------------------------------------------

def _selected_ids(request) -> list[int] | None:
    try:
        return [int(v) for v in request.POST.getlist("projects")]
    except ValueError:
        return None


def _ballot_context(pool: Pool, *, with_projects: bool = True) -> dict:
    projects = list(Proposal.objects.on_ballot().filter(pool=pool).order_by("id")
                    .prefetch_related("files")) if with_projects else []
    return {"pool": pool, "cycle": pool.cycle, "projects": projects,
            "tie_rule": TieRule(pool.tie_breaking).label,
            "ballot_data": {"form": pool.ballot_form, "budget": pool.budget,
                            "max": pool.max_projects}}


def _voter_or_refusal(request, pool: Pool):
    if not request.user.is_authenticated:
        return None, None
    try:
        return actions.voter_for_user(request.user, pool), None
    except actions.VoterRefused as exc:
        return None, exc


@require_http_methods(["GET", "POST"])
def ballot(request, slug: str, pool_id: int):
    """The ballot page. A POST is the hot path of voting day: it reads the pool and the
    voter's verification, then calls ballot_cast. The receipt (and change code) is shown
    once, in the answer to the POST: the server does not keep it."""
    pool = access_pool_by_slug(slug, pool_id)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={request.path}")
    voter, refusal = _voter_or_refusal(request, pool)
    error, chosen, cast, review = None, None, None, None
    change_form = ChangeForm(request.POST or None)
    # The first press of the form's button asks for a review (step=review): the server shows
    # the choice and its total, with "confirm" (a POST without step) and "change" (step=change,
    # the form again with the choice ticked). ballot.js does the same in the page.
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if request.method == "POST" and voter is not None:
        chosen = _selected_ids(request)
        if chosen is None or not change_form.is_valid():
            error = _("The ballot could not be read. Please try again.")
        elif step == "change":
            pass
        elif step == "review":
            try:
                review = actions.ballot_review(pool, chosen)
            except ValidationError as exc:
                error = " ".join(exc.messages)
        else:
            try:
                cast = actions.ballot_cast(pool=pool, voter=voter, project_ids=chosen,
                                           change_code=change_form.cleaned_data["change_code"])
            except ValidationError as exc:
                error = " ".join(exc.messages)
    voted = cast is not None or (voter is not None and selectors.has_voted(
        pool, voter_key=voter.key, account_id=request.user.pk))
    context = _ballot_context(pool, with_projects=cast is None)
    context.update({
        "error": error, "refusal": refusal, "voter": voter, "cast": cast, "voted": voted,
        "chosen": chosen or [], "change_form": change_form, "review": review,
        "accepted_methods": actions.accepted_methods_text(pool),
        "show_form": cast is None and _show_form(pool, voter, voted),
    })
    if step and voter is not None and not error and not context["show_form"]:
        # A review or change asked for where no ballot can be cast (voting closed, or voted).
        context["review"] = None
        context["error"] = error = (str(actions.DUPLICATE) if voted
                                    else _("Voting is not open."))
    if cast is not None:
        query = "?" + urlencode({"code": cast.receipt})
        context["receipt_url"] = reverse("budgeting:receipt", args=[slug, pool.pk]) + query
        context["receipt_qr_url"] = reverse("budgeting:receipt-qr", args=[slug, pool.pk]) + query
    status = (200 if request.method == "GET" or cast or (step and voter and not error)
              else (403 if voter is None else 400))
    return TemplateResponse(request, "budgeting/ballot.html", context, status=status)


def _show_form(pool: Pool, voter, voted: bool) -> bool:
    if pool.cycle.phase != Phase.VOTING or voter is None:
        return False
    return not voted or pool.cycle.allow_ballot_change


def _login_url() -> str:
    return reverse("account_login")


@require_GET
def receipt(request, slug: str, pool_id: int):
    """A voter checks their receipt: recorded (before the count) or counted. It says
    nothing about what the ballot chose: the server cannot tell which ballot was theirs
    from their account, and the receipt only names a ballot to the voter."""
    pool = access_pool(access_cycle(slug), pool_id)
    form = ReceiptForm(request.GET or None)
    status = actions.receipt_status(pool, form.cleaned_data["code"]) if form.is_valid() else None
    return TemplateResponse(request, "budgeting/receipt.html", {
        "pool": pool, "cycle": pool.cycle, "form": form, "status": status,
    }, status=404 if status == "unknown" else 200)


def _offices_for(user, pool: Pool) -> list[District]:
    """The district offices this member of staff may act for in `pool`."""
    offices = district_office_ids(user)
    if pool.district_id:
        offices &= {pool.district_id}
    if not offices:
        raise PermissionDenied
    return list(District.objects.filter(pk__in=offices).order_by("code"))


def _paper_desk[F: Form](request, slug: str, pool_id: int,
                         form_class: Callable[..., F]) -> tuple[Pool, list[District], F]:
    """A district office's desk for paper ballots: the pool, the offices this member of
    staff may act for in it, and the form that offers only those offices."""
    pool = access_pool(access_cycle(slug), pool_id)
    offices = _offices_for(request.user, pool)
    return pool, offices, form_class(request.POST or None, offices=offices)


@require_GET
def receipt_qr(request, slug: str, pool_id: int):
    """The receipt check link as a QR code (an SVG image), drawn when the page asks for it,
    not on the voting hot path."""
    pool = access_pool(access_cycle(slug), pool_id)
    form = ReceiptForm(request.GET or None)
    if not form.is_valid():
        raise Http404
    code = commitment.normalise_code(form.cleaned_data["code"])
    link = request.build_absolute_uri(reverse("budgeting:receipt", args=[slug, pool.pk])
                                      + "?" + urlencode({"code": code}))
    response = HttpResponse(qr_svg(link), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def paper_check_in(request, slug: str, pool_id: int):
    """Check a resident in at a district office (identity only, never choices)."""
    pool, _offices, form = _paper_desk(request, slug, pool_id, CheckInForm)
    return handle_form(
        request, form,
        lambda: actions.paper_check_in(staff=request.user, pool=pool,
                                       office_id=form.cleaned_data["office"],
                                       pin=form.cleaned_data["pin"]),
        success=_("Checked in. Give the resident a paper ballot for the box."),
        redirect_to=reverse("budgeting:paper", kwargs={"slug": slug, "pool_id": pool.pk}),
        page=lambda: TemplateResponse(request, "budgeting/paper.html", {
            "pool": pool, "cycle": pool.cycle, "form": form}))


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request, slug: str, pool_id: int):
    """Type in paper ballots from an office's box: contents only, never identity."""
    pool, offices, form = _paper_desk(request, slug, pool_id, PaperEntryForm)
    context = _ballot_context(pool)
    if request.method == "POST":
        chosen = _selected_ids(request)
        context["chosen"] = chosen or []
        if chosen is None:
            form.add_error(None, _("The ballot could not be read. Please try again."))
        else:
            done = submit_form(
                request, form,
                lambda: actions.paper_entry_record(
                    staff=request.user, pool=pool, office_id=form.cleaned_data["office"],
                    sheet=form.cleaned_data["sheet"], project_ids=chosen),
                success=lambda entry: _("Sheet %(sheet)d: %(status)s.") % {
                    "sheet": entry.sheet, "status": entry.get_status_display()},
                redirect_to=reverse("budgeting:paper-entry",
                                    kwargs={"slug": slug, "pool_id": pool.pk}))
            if done is not None:
                return done
    office_ids = {d.pk for d in offices}
    context.update({
        "form": form, "tally": [t for t in selectors.paper_tally(pool)
                                if getattr(t.office, "pk", t.office) in office_ids],
        "open_entries": PaperEntry.objects.filter(pool=pool, office_id__in=office_ids)
        .exclude(status=PaperEntry.Status.AGREED).order_by("office_id", "sheet"),
    })
    return TemplateResponse(request, "budgeting/paper_entry.html", context,
                            status=400 if request.method == "POST" else 200)


@require_GET
def receipts(request, slug: str, pool_id: int):
    """The receipt hashes of a sealed pool, sorted: a voter finds the hash of their receipt
    here. No contents, no order of casting: nothing pairs a receipt with a ballot."""
    pool = access_sealed_pool(slug, pool_id)
    hashes = sorted(h for h in Ballot.objects.filter(pool=pool).exclude(receipt_hash=None)
                    .values_list("receipt_hash", flat=True) if h is not None)
    return JsonResponse({"pool": pool.pk, "commitment": pool.commitment,
                         "hash": "sha256('receipt:' + code, without dashes, upper case)",
                         "receipt_hashes": hashes})


@require_GET
def ballots_txt(request, slug: str, pool_id: int):
    """The committed text of a published pool: every ballot by its random id and every
    receipt hash, sorted apart. Its sha256 is the commitment published at the seal."""
    pool = access_published_pool(slug, pool_id)
    response = HttpResponse(selectors.ballots_text(pool),
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ballots-{pool.pk}.txt"'
    return response


# --- Results ------------------------------------------------------------------------------

@require_GET
@shared_with_visitors
def results(request, slug: str, pool_id: int):
    pool = access_published_pool(slug, pool_id)
    outcome = pool.result.outcome
    titles = {str(p.pk): p for p in opendata.ballot_projects(pool)}
    rows = []
    for e in outcome["projects"]:
        rows.append({"proposal": titles.get(e["project_id"]), "e": e,
                     "explanation": opendata.explain(e)})
    rows.sort(key=lambda r: (not r["e"]["selected"], -r["e"]["votes"]))
    tally = selectors.turnout(pool.cycle)
    districts = {d.pk: d.name for d in District.objects.all()}
    by_district = [(districts.get(k, _("not recorded")), v)
                   for k, v in sorted(tally["by_district"].items(), key=lambda kv: -kv[1])]
    by_channel = [(dict(Ballot.Channel.choices)[k], v) for k, v in tally["by_channel"].items()]
    chart = {"labels": [r["proposal"].title if r["proposal"] else r["e"]["project_id"]
                        for r in rows],
             "votes": [r["e"]["votes"] for r in rows],
             "selected": [r["e"]["selected"] for r in rows],
             "label": _("Votes"),
             "turnout": {"district": [[str(n), v] for n, v in by_district],
                         "channel": [[str(n), v] for n, v in by_channel],
                         "label": _("Ballots")}}
    tied = [titles[p].title if p in titles else p for p in outcome.get("tie_decided", [])]
    return TemplateResponse(request, "budgeting/results.html", {
        "pool": pool, "cycle": pool.cycle, "result": pool.result, "rows": rows,
        "spent": outcome["spent"], "by_district": by_district, "by_channel": by_channel,
        "chart": chart, "rule": opendata.rule_in_words(pool.rule),
        "minimum": outcome.get("parameters", {}).get("minimum_votes", 0),
        "tie_rule": TieRule(pool.tie_breaking).label, "tied": tied,
    })


@require_GET
def results_pb(request, slug: str, pool_id: int):
    pool = access_published_pool(slug, pool_id)
    response = HttpResponse(opendata.pabulib_text(pool), content_type="text/plain; charset=utf-8")
    name = f"{pool.cycle.slug}_{pool.district.code if pool.district else 'city'}.pb"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def results_csv(request, slug: str, pool_id: int):
    pool = access_published_pool(slug, pool_id)
    response = HttpResponse(opendata.results_csv(pool), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="results.csv"'
    return response


@require_GET
def results_json(request, slug: str, pool_id: int):
    pool = access_published_pool(slug, pool_id)
    result = pool.result
    return JsonResponse({"pool": pool.pk, "rule": result.rule,
                         "rule_version": result.rule_version,
                         "engine_version": result.engine_version, "ballots": result.ballots,
                         "ballots_digest": result.ballots_digest, "outcome": result.outcome},
                        json_dumps_params={"ensure_ascii": False})


# --- Implementation -----------------------------------------------------------------------

@require_GET
@shared_with_visitors
def funded_projects(request):
    status = request.GET.get("status", "")
    projects = selectors.funded_projects()
    if status in Implementation.Status.values:
        projects = projects.filter(status=status)
    return TemplateResponse(request, "budgeting/projects.html", {
        "projects": projects, "statuses": Implementation.Status.choices, "status": status})


@require_GET
def implementation_detail(request, pk: int):
    impl = access_implementation(pk)
    user = request.user
    return TemplateResponse(request, "budgeting/implementation.html", {
        "impl": impl, "proposal": impl.proposal, "milestones": impl.milestones.all(),
        "updates": impl.updates.all(),
        "following": user.is_authenticated and impl.follows.filter(user=user).exists(),
        "can_update": user.has_perm("budgeting.update_implementation", impl),
    })


@login_required
@require_POST
def implementation_follow(request, pk: int):
    impl = access_implementation(pk)
    now = actions.follow_toggle(implementation=impl, user=request.user)
    messages.success(request, _("You will be told about updates.") if now
                     else _("You no longer follow this project."))
    return redirect("budgeting:project", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def implementation_update(request, pk: int):
    impl = access_implementation(pk)
    if not request.user.has_perm("budgeting.update_implementation", impl):
        raise PermissionDenied
    initial = {f: getattr(impl, f) for f in ("status", "percent_complete", "contracted",
                                             "spent", "contractor", "procurement_ref")}
    form = ImplementationForm(request.POST or None, request.FILES or None, initial=initial)
    return handle_form(
        request, form,
        lambda: actions.implementation_update(implementation=impl, by=request.user,
                                              **form.cleaned_data),
        success=_("Project updated."),
        redirect_to=reverse("budgeting:project", kwargs={"pk": pk}),
        page=lambda: TemplateResponse(request, "budgeting/implementation_form.html",
                                      {"impl": impl, "form": form}))

