"""Every write of the civic budget: keyword-only, transactional, with translated errors."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shaar.accounts.models import RegisterEntry, User, Verification, voter_key_for_pin
from shaar.accounts.notifications import Message, notify
from shaar.accounts.rules import works_at_district_office
from shaar.accounts.selectors import residency_of
from shaar.lib import media, uploadlimits
from shaar.lib.i18n import writing_language
from shaar.lib.safechange import Effect, record_reason, require_confirmation, save_confirmed
from shaar.lib.uploads import check_document, clean_photo

from . import commitment, selectors
from .models import (
    PHASE_ORDER,
    Ballot,
    BallotRefusal,
    Channel,
    Comment,
    Cycle,
    Follow,
    Implementation,
    Milestone,
    PaperEntry,
    Phase,
    Pool,
    PoolResult,
    ProjectUpdate,
    Proposal,
    ProposalFile,
    Support,
    VoterMark,
)

log = logging.getLogger(__name__)


# --- Voters -------------------------------------------------------------------------------

def phone_voter_key(phone: str) -> str:
    """A voter key for an SMS-verified phone: HMAC of the number, in its own namespace.

    It can never equal a PIN's key; the account on the voter mark is what stops a person who
    verified by phone and then by PIN on the same account from voting twice.
    """
    secret = settings.VOTER_KEY_SECRET.encode()
    return hmac.new(secret, f"phone:{phone}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Voter:
    key: str
    district_id: int | None
    method: str
    account_id: int | None = None


class VoterRefused(ValidationError):
    """Why a person may not vote in a pool: `reason` is `unverified`, `method` (the pool does
    not accept their verification) or `other-district`; pages word their next step by it."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, code=reason)
        self.reason = reason


def voter_for_user(user: User, pool: Pool) -> Voter:
    """The voter a user is for `pool`, or VoterRefused saying why they may not vote.

    Their district is the district of their verification: the register's or the office's for
    a register or in-person check, the declared one for a phone-verified resident."""
    verification = residency_of(user) if user.is_authenticated else None
    if verification is None:
        raise VoterRefused(_("Verify that you live in the city before you vote."), "unverified")
    if verification.method not in pool.accepted_methods():
        raise VoterRefused(
            _("This pool accepts only these verifications: %(methods)s.")
            % {"methods": accepted_methods_text(pool)}, "method")
    if verification.voter_key:
        key = verification.voter_key
    elif verification.method == Verification.Method.PHONE and user.phone and user.phone_verified:
        key = phone_voter_key(user.phone)
    else:
        raise VoterRefused(_("Verify that you live in the city before you vote."), "unverified")
    if pool.district_id and verification.district_id != pool.district_id:
        district = pool.district
        assert district is not None  # district_id is set
        raise VoterRefused(
            _("This is the pool of another district (%(district)s). You can vote in the "
              "city-wide pool and in the pool of your own district.")
            % {"district": district.name}, "other-district")
    return Voter(key=key, district_id=verification.district_id, method=verification.method,
                 account_id=user.pk)


def accepted_methods_text(pool: Pool) -> str:
    labels = dict(Verification.Method.choices)
    return ", ".join(str(labels[m]) for m in Verification.Method.values
                     if m in pool.accepted_methods())


def voter_for_pin(pin: str, pool: Pool, office_id: int | None) -> Voter:
    """A voter checked in at the district office `office_id`: staff saw the ID, typed the PIN.

    With a residency register the PIN must be in it and its district decides; without one,
    the office's district does. The account holding that PIN, if any, is on the mark too."""
    key = voter_key_for_pin(pin)
    district_id: int | None
    if RegisterEntry.objects.exists():
        entry = RegisterEntry.objects.filter(voter_key=key).first()
        if entry is None:
            raise ValidationError(_("This personal number is not in the residency register."))
        district_id = entry.district_id
    else:
        district_id = office_id
    if pool.district_id and district_id != pool.district_id:
        raise ValidationError(_("This person lives in another district: they can vote here "
                                "only in the city-wide pool."))
    account_id = (Verification.objects.filter(voter_key=key)
                  .values_list("user_id", flat=True).first())
    return Voter(key=key, district_id=district_id, method="in_person", account_id=account_id)


# --- Ballots ------------------------------------------------------------------------------

def _check_ballot(pool: Pool, project_ids: list[int], *, allow_empty: bool = False) -> list[int]:
    """Every rule of the ballot, checked on the server (whatever the form allowed)."""
    chosen = sorted(set(project_ids))
    if len(chosen) != len(project_ids):
        raise ValidationError(_("A project appears twice on the ballot."))
    if not chosen and not allow_empty:
        raise ValidationError(_("Choose at least one project."))
    ballot_costs = selectors.ballot_costs(pool)
    if any(project not in ballot_costs for project in chosen):
        raise ValidationError(_("The ballot names a project that is not on this pool's ballot."))
    costs = {project: ballot_costs[project] for project in chosen}
    if pool.ballot_form == Pool.BallotForm.APPROVAL and len(chosen) > pool.max_projects:
        raise ValidationError(
            _("You chose %(chosen)d projects; at most %(limit)d are allowed.")
            % {"chosen": len(chosen), "limit": pool.max_projects})
    total = sum(costs.values())
    if pool.ballot_form == Pool.BallotForm.KNAPSACK and total > pool.budget:
        raise ValidationError(
            _("The chosen projects cost %(total)s som, more than the budget of %(budget)s som.")
            % {"total": f"{total:,}".replace(",", " "),
               "budget": f"{pool.budget:,}".replace(",", " ")})
    return chosen


@dataclass(frozen=True)
class BallotReview:
    """What a ballot would cast, for the voter to check before confirming."""

    projects: list[Proposal]
    total: int


def ballot_review(pool: Pool, project_ids: list[int]) -> BallotReview:
    """Check a choice by every rule of the ballot without casting it: the projects, in ballot
    order, and their total cost."""
    chosen = _check_ballot(pool, project_ids)
    costs = selectors.ballot_costs(pool)
    projects = list(Proposal.objects.on_ballot().filter(pool=pool, pk__in=chosen).order_by("id"))
    return BallotReview(projects=projects, total=sum(costs[p.pk] for p in projects))


DUPLICATE = _lazy("A ballot has already been cast for this person in this pool, or in "
                  "another district's pool of this cycle. Only one ballot per person is "
                  "accepted.")


def _refuse(pool: Pool, voter_key: str, channel: str, by: User | None, reason: str) -> None:
    # Written outside the failed transaction so the refusal is kept.
    BallotRefusal.objects.create(pool=pool, voter_key=voter_key, channel=channel,
                                 entered_by=by, reason=reason)
    log.warning("ballot refused pool=%s channel=%s reason=%s", pool.pk, channel, reason)


@dataclass(frozen=True)
class Cast:
    """What the voter takes away: the receipt, and where changes are allowed the change
    code. Neither is stored: the ballot keeps their hashes."""

    projects: list[int]
    receipt: str
    change_code: str = ""


def _lock_open_pool(pool: Pool) -> None:
    """Lock the pool row for this transaction, then check, with a fresh read, that voting is
    open and the ballot rules are those `pool` says. Sealing locks the same row, so a
    ballot is either in the sealed set or refused, never written after the seal."""
    # No ordering: the pool's default one joins the cycle, which would lock it too.
    locked = Pool.objects.select_for_update().filter(pk=pool.pk).order_by().values(
        *Pool.BALLOT_RULE_FIELDS).first()
    # A separate statement after the lock: on PostgreSQL it sees a close committed while
    # this transaction waited for the lock.
    cycle = (Cycle.objects.filter(pk=pool.cycle_id).order_by()
             .values("phase", "voting_closes").first())
    if locked is None or cycle is None or cycle["phase"] != Phase.VOTING:
        raise ValidationError(_("Voting is not open."))
    if cycle["voting_closes"] and timezone.now() > cycle["voting_closes"]:
        raise ValidationError(_("Voting has closed."))
    if any(locked[f] != getattr(pool, f) for f in Pool.BALLOT_RULE_FIELDS):
        raise ValidationError(_("The ballot has changed; please reload the page."))


def _mark(pool: Pool, voter: Voter, channel: str, *, office_id: int | None = None,
          by: User | None = None) -> VoterMark:
    return VoterMark.objects.create(
        pool=pool, voter_key=voter.key, account_id=voter.account_id, channel=channel,
        district_id=voter.district_id, office_id=office_id, checked_in_by=by,
        district_cycle_id=pool.cycle_id if pool.district_id else None)


def ballot_cast(*, pool: Pool, voter: Voter, project_ids: list[int],
                change_code: str = "") -> Cast:
    """Cast an online ballot: a voter mark and, unrelated to it, the ballot's contents with
    the hash of a fresh receipt. With `change_code` (cycles that allow changes) the ballot
    that code belongs to is replaced instead, and the voter gets a new receipt and code.

    The unique constraints on the marks refuse a second ballot for a voter key or an
    account, and a second district pool in the cycle: the IntegrityError becomes a refusal.
    """
    chosen = _check_ballot(pool, project_ids)
    cast = Cast(projects=chosen, receipt=commitment.new_code(),
                change_code=commitment.new_code() if pool.cycle.allow_ballot_change else "")
    try:
        with transaction.atomic():
            _lock_open_pool(pool)
            if change_code:
                _remove_changed_ballot(pool, voter, change_code)
            else:
                _mark(pool, voter, Channel.WEB)
            Ballot.objects.create(
                pool=pool, projects=chosen, channel=Channel.WEB,
                receipt_hash=commitment.receipt_hash(cast.receipt),
                change_hash=commitment.change_hash(cast.change_code) if cast.change_code
                else None)
    except IntegrityError:
        _refuse(pool, voter.key, Channel.WEB, None, "duplicate")
        raise ValidationError(str(DUPLICATE)) from None
    return cast


def _remove_changed_ballot(pool: Pool, voter: Voter, change_code: str) -> None:
    if not pool.cycle.allow_ballot_change:
        raise ValidationError(_("Ballots cannot be changed in this cycle."))
    if not VoterMark.objects.filter(pool=pool, voter_key=voter.key,
                                    channel=Channel.WEB).exists():
        raise ValidationError(_("You have not voted online in this pool."))
    deleted, _rows = Ballot.objects.filter(
        pool=pool, channel=Channel.WEB,
        change_hash=commitment.change_hash(change_code)).delete()
    if not deleted:
        raise ValidationError(_("This change code does not match a ballot of this pool."))


def receipt_status(pool: Pool, code: str) -> str:
    """`counted` (in the published count), `recorded` (stored, not yet counted) or
    `unknown`."""
    ballots = Ballot.objects.filter(pool=pool, receipt_hash=commitment.receipt_hash(code))
    if not ballots.exists():
        return "unknown"
    if pool.cycle.is_published and pool.is_sealed and PoolResult.objects.filter(
            pool=pool).exists():
        return "counted"
    return "recorded"


# --- Paper ballots ------------------------------------------------------------------------

def _require_office(staff: User, pool: Pool, office_id: int) -> None:
    """Only staff of this district's office; a district pool only at its own office."""
    if not works_at_district_office(staff, office_id):
        raise PermissionDenied
    if pool.district_id and pool.district_id != office_id:
        raise PermissionDenied


def paper_check_in(*, staff: User, pool: Pool, office_id: int, pin: str) -> VoterMark:
    """Check a resident in at a district office: from now on they have voted in the pool
    (online voting refused), and they put a paper ballot in the box. Refused (and logged)
    if they already voted in the pool, online or on paper, or in another district's pool."""
    _require_office(staff, pool, office_id)
    voter = voter_for_pin(pin, pool, office_id)
    try:
        with transaction.atomic():
            _lock_open_pool(pool)
            return _mark(pool, voter, Channel.PAPER, office_id=office_id, by=staff)
    except IntegrityError:
        _refuse(pool, voter.key, Channel.PAPER, staff, "duplicate")
        raise ValidationError(str(DUPLICATE)) from None


@transaction.atomic
def paper_entry_record(*, staff: User, pool: Pool, office_id: int, sheet: int,
                       project_ids: list[int]) -> PaperEntry:
    """Type in one sheet from an office's box, with no identity. The first entry waits for a
    second one by another staff member; agreeing entries make the ballot, differing ones are
    a mismatch that a third reading must settle. An empty sheet is a spoiled ballot: it is
    reconciled against the check-ins but not counted."""
    _require_office(staff, pool, office_id)
    pool = (Pool.objects.select_for_update(of=("self",)).select_related("cycle").order_by()
            .get(pk=pool.pk))
    if pool.cycle.phase not in (Phase.VOTING, Phase.COUNTING) or pool.is_sealed:
        raise ValidationError(_("Paper ballots are entered until the pool is sealed."))
    chosen = _check_ballot(pool, project_ids, allow_empty=True)
    entry = (PaperEntry.objects.select_for_update(of=("self",)).order_by()
             .filter(pool=pool, office_id=office_id, sheet=sheet).first())
    if entry is None:
        return PaperEntry.objects.create(pool=pool, office_id=office_id, sheet=sheet,
                                         first_projects=chosen, first_by=staff)
    if entry.status == PaperEntry.Status.AGREED:
        raise ValidationError(_("This sheet has already been entered twice and agreed."))
    if entry.status == PaperEntry.Status.FIRST:
        if entry.first_by_id == staff.pk:
            raise ValidationError(_("The second entry must be made by another member of "
                                    "staff."))
        entry.second_projects, entry.second_by = chosen, staff
        agreed = chosen == entry.first_projects
        entry.status = PaperEntry.Status.AGREED if agreed else PaperEntry.Status.MISMATCH
        entry.save(update_fields=["second_projects", "second_by", "status", "updated_at"])
    else:
        if chosen not in (entry.first_projects, entry.second_projects):
            raise ValidationError(_("This reading matches neither entry. Read the sheet "
                                    "again."))
        entry.status, entry.resolved_by = PaperEntry.Status.AGREED, staff
        entry.save(update_fields=["status", "resolved_by", "updated_at"])
    if entry.status == PaperEntry.Status.AGREED:
        if chosen:
            Ballot.objects.create(pool=pool, projects=chosen, channel=Channel.PAPER,
                                  office_id=office_id)
        else:
            entry.spoiled = True
            entry.save(update_fields=["spoiled"])
    return entry


def verify_commitment(pool: Pool) -> bool:
    """Whether the stored ballots still match the commitment published at the seal."""
    return pool.is_sealed and commitment.commit(selectors.ballots_text(pool)) == pool.commitment


@transaction.atomic
def pool_seal(*, pool: Pool) -> Pool:
    """Publish the commitment to every ballot of the pool, before counting: online voting has
    closed and every office's paper ballots are entered and reconciled."""
    pool = (Pool.objects.select_for_update(of=("self",)).select_related("cycle").order_by()
            .get(pk=pool.pk))
    if pool.is_sealed:
        return pool
    if pool.cycle.phase != Phase.COUNTING:
        raise ValidationError(_("A pool is sealed once voting has closed."))
    unreconciled = [t for t in selectors.paper_tally(pool) if not t.reconciled]
    if unreconciled:
        raise ValidationError(
            _("Paper ballots of %(pool)s are not reconciled at: %(offices)s.")
            % {"pool": pool.name, "offices": ", ".join(str(t.office) for t in unreconciled)})
    pool.commitment = commitment.commit(selectors.ballots_text(pool))
    pool.sealed_at = timezone.now()
    pool.save(update_fields=["commitment", "sealed_at"])
    return pool


# --- Cycles ------------------------------------------------------------------------------

def _phase_checks(cycle: Cycle, target: str) -> None:
    pools = list(cycle.pools.all())
    if target == Phase.PROPOSALS and not pools:
        raise ValidationError(_("Add at least one pool before proposals open."))
    if target == Phase.VOTING:
        if not pools:
            raise ValidationError(_("The cycle has no pools."))
        for pool in pools:
            if not Proposal.objects.on_ballot().filter(pool=pool).exists():
                raise ValidationError(_("Voting needs at least one approved project in each "
                                        "pool; %(pool)s has none.") % {"pool": pool.name})
        pending = cycle.proposals.filter(status__in=[Proposal.Status.SUBMITTED,
                                                     Proposal.Status.IN_REVIEW]).count()
        if pending:
            raise ValidationError(_("%(count)d proposals are still waiting for review.")
                                  % {"count": pending})
    if target == Phase.RESULTS:
        missing = [p.name for p in pools if not PoolResult.objects.filter(pool=p).exists()]
        if missing:
            raise ValidationError(_("These pools have not been counted yet: %(pools)s.")
                                  % {"pools": ", ".join(missing)})
        for pool in pools:
            if any(not t.reconciled for t in selectors.paper_tally(pool)):
                raise ValidationError(_("Paper ballots of %(pool)s are not reconciled with "
                                        "the check-ins.") % {"pool": pool.name})
            if not verify_commitment(pool):
                raise ValidationError(_("The ballots of %(pool)s no longer match the "
                                        "commitment published when it was sealed.")
                                      % {"pool": pool.name})


@transaction.atomic
def cycle_advance(*, cycle: Cycle, by: User | None) -> Cycle:
    """Move the cycle to its next phase once that phase's checks pass."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    index = PHASE_ORDER.index(cycle.phase)
    if index + 1 >= len(PHASE_ORDER):
        raise ValidationError(_("The cycle is already in its last phase."))
    target = PHASE_ORDER[index + 1]
    _phase_checks(cycle, target)
    cycle.phase = target
    fields = ["phase"]
    if target == Phase.RESULTS:
        cycle.published_at = timezone.now()
        fields.append("published_at")
    cycle.save(update_fields=fields)
    if target == Phase.COUNTING:
        from .tasks import count_cycle

        transaction.on_commit(lambda: count_cycle.delay(cycle.pk))
    return cycle


# --- Cycle and pool set-up (city administrators) --------------------------------------------

def _require_cycle_manager(by: User | None) -> None:
    if by is None or not by.has_perm("budgeting.manage_cycle"):
        raise PermissionDenied


def _cycle_effects(cycle: Cycle, pool: Pool | None = None) -> list[Effect]:
    proposals = Proposal.objects.filter(cycle=cycle).exclude(status=Proposal.Status.DRAFT)
    if pool is not None:
        proposals = proposals.filter(pool=pool)
    ballots = Ballot.objects.filter(pool__cycle=cycle)
    if pool is not None:
        ballots = ballots.filter(pool=pool)
    return [Effect(_("proposals submitted"), proposals.count()),
            Effect(_("supports of proposals"),
                   Support.objects.filter(proposal__in=proposals).count()),
            Effect(_("ballots cast"), ballots.count())]


def _residents_acted(effects: list[Effect]) -> bool:
    return any(effect.count for effect in effects)


@transaction.atomic
def cycle_save(*, cycle: Cycle, by: User | None, reason: str = "",
               confirmed: bool = False) -> Cycle:
    """Create a cycle (it starts in the information phase) or change its texts and dates.

    Once voting has opened, whether voters may change a ballot is fixed. Closing voting
    earlier than announced, while voting is open, needs CONFIRMED and a REASON.
    """
    _require_cycle_manager(by)
    warning = None
    if cycle.pk:
        old = Cycle.objects.select_for_update().get(pk=cycle.pk)
        cycle.phase, cycle.published_at = old.phase, old.published_at
        if old.is_frozen and old.allow_ballot_change != cycle.allow_ballot_change:
            raise ValidationError(_("Voting has opened: whether voters may change their "
                                    "ballot can no longer change."))
        if (old.phase == Phase.VOTING and old.voting_closes
                and (cycle.voting_closes is None or cycle.voting_closes < old.voting_closes)):
            warning = _("This closes voting earlier than announced.")
        if warning:
            reason = require_confirmation(message=warning, effects=_cycle_effects(old),
                                          reason=reason, confirmed=confirmed)
    else:
        cycle.phase = Phase.INFORMATION
    if cycle.voting_opens and cycle.voting_closes and cycle.voting_closes <= cycle.voting_opens:
        raise ValidationError({"voting_closes": _("Voting must close after it opens.")})
    save_confirmed(cycle, reason if warning else None)
    return cycle


@transaction.atomic
def pool_save(*, pool: Pool, by: User | None, reason: str = "",
              confirmed: bool = False) -> Pool:
    """Add a pool to a cycle or change its rules and budget.

    From voting on the rules are fixed (the model refuses). Before that, changing the
    rules of a pool that residents have already sent proposals to needs CONFIRMED and a
    REASON.
    """
    _require_cycle_manager(by)
    cycle = Cycle.objects.select_for_update().get(pk=pool.cycle_id)
    if cycle.is_frozen and pool.pk is None:
        raise ValidationError(_("Voting has opened: pools can no longer be added."))
    warning = None
    if pool.pk:
        old = Pool.objects.get(pk=pool.pk)
        changed = any(getattr(old, f) != getattr(pool, f) for f in Pool.FROZEN_FIELDS)
        effects = _cycle_effects(cycle, old)
        if changed and not cycle.is_frozen and _residents_acted(effects):
            warning = _("This changes the rules of a pool that residents have already "
                        "taken part in.")
            reason = require_confirmation(message=warning, effects=effects, reason=reason,
                                          confirmed=confirmed)
    save_confirmed(pool, reason if warning else None)
    return pool


@transaction.atomic
def pool_remove(*, pool: Pool, by: User | None) -> None:
    _require_cycle_manager(by)
    if Proposal.objects.filter(pool=pool).exists():
        raise ValidationError(_("This pool has proposals: it can no longer be removed."))
    pool.delete()


@transaction.atomic
def cycle_step_back(*, cycle: Cycle, by: User | None, reason: str = "",
                    confirmed: bool = False) -> Cycle:
    """Move the cycle back one phase (e.g. reopen proposals during review).

    Never from voting on: ballots have been cast under the announced rules. Otherwise it
    needs CONFIRMED and a REASON, recorded in the audit trail.
    """
    _require_cycle_manager(by)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    index = PHASE_ORDER.index(cycle.phase)
    if index == 0:
        raise ValidationError(_("The cycle is already in its first phase."))
    if cycle.is_frozen:
        raise ValidationError(_("Voting has opened: the cycle can no longer go back."))
    target = PHASE_ORDER[index - 1]
    reason = require_confirmation(
        message=_("This moves the cycle back to the phase: %(phase)s.")
        % {"phase": Phase(target).label},
        effects=_cycle_effects(cycle), reason=reason, confirmed=confirmed)
    cycle.phase = target
    cycle.save(update_fields=["phase"])
    record_reason(cycle, reason)
    return cycle


def cycle_count(*, cycle: Cycle) -> list[PoolResult]:
    """Seal and count every pool whose ballots are all in (the Celery task calls this at
    close; staff call it again once the offices' paper ballots are entered). A pool still
    waiting for paper ballots is left for later."""
    if cycle.phase not in (Phase.COUNTING, Phase.RESULTS, Phase.IMPLEMENTATION):
        raise ValidationError(_("Ballots are counted once voting has closed."))
    results = []
    for pool in cycle.pools.all():
        if not pool.is_sealed:
            try:
                pool = pool_seal(pool=pool)
            except ValidationError:
                log.info("pool %s waits for its paper ballots", pool.pk)
                continue
        results.append(pool_count(pool=pool))
    return results


@transaction.atomic
def pool_count(*, pool: Pool) -> PoolResult:
    """Count one pool with its rule and store the explained outcome with the engine version.

    Deterministic: the same ballots give byte-identical JSON, so a re-run changes nothing.
    """
    from . import opendata

    pool = (Pool.objects.select_for_update(of=("self",)).select_related("cycle").order_by()
            .get(pk=pool.pk))
    if not pool.is_sealed:
        raise ValidationError(_("A pool is counted after its ballots are sealed."))
    instance = opendata.instance_for_pool(pool)
    result = opendata.count_pool(pool, instance)
    outcome = result.as_dict()
    outcome["tie_decided"] = opendata.ties_that_decided(pool, instance, result)
    stored, _created = PoolResult.objects.update_or_create(pool=pool, defaults={
        "rule": result.rule, "rule_version": result.rule_version,
        "engine_version": opendata.engine_version(), "ballots": instance.num_voters,
        "ballots_digest": pool.commitment, "outcome": outcome,
    })
    return stored


# --- Notifications ------------------------------------------------------------------------

def _notify_status(proposal: Proposal) -> None:
    notify([proposal.author], lambda: Message(
        subject=_("Your proposal: %(title)s") % {"title": proposal.title},
        body=_("The status of your proposal “%(title)s” is now: %(status)s.\n%(reason)s")
        % {"title": proposal.title, "status": proposal.get_status_display(),
           "reason": proposal.review_reason},
        sms=_("Proposal «%(title)s»: %(status)s")
        % {"title": proposal.title[:30], "status": proposal.get_status_display()}))


# --- Proposals ----------------------------------------------------------------------------

def _locked_proposal(pk: int) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=pk)


def _require_resident(user: User) -> Verification:
    verification = Verification.objects.filter(user=user).first()
    if verification is None:
        raise ValidationError(_("Verify that you live in the city before you propose a "
                                "project."))
    return verification


@transaction.atomic
def proposal_save(*, author: User, cycle: Cycle, pool: Pool, title: str, description: str,
                  category: str, estimated_cost: int, latitude: float | None = None,
                  longitude: float | None = None, proposal: Proposal | None = None,
                  photos: list | None = None, attachments: list | None = None) -> Proposal:
    """Create or edit a draft proposal."""
    _require_resident(author)
    if cycle.phase != Phase.PROPOSALS:
        raise ValidationError(_("Proposals are not open in this cycle."))
    if proposal is not None and (proposal.author_id != author.pk
                                 or proposal.status != Proposal.Status.DRAFT):
        raise ValidationError(_("Only a draft can be edited, by its author."))
    proposal = proposal or Proposal(author=author, cycle=cycle)
    proposal.pool, proposal.title, proposal.description = pool, title, description
    proposal.category, proposal.estimated_cost = category, estimated_cost
    proposal.latitude, proposal.longitude = latitude, longitude
    proposal.language = writing_language()
    proposal.full_clean()
    # Every file is checked before anything is written; photos are published, so they are
    # re-encoded without their metadata (a photo taken at home carries its GPS position).
    limit = uploadlimits.max_bytes("budgeting")
    files = [(ProposalFile.Kind.PHOTO, clean_photo(upload, max_bytes=limit))
             for upload in photos or []]
    for upload in attachments or []:
        check_document(upload, max_bytes=limit)
        files.append((ProposalFile.Kind.DOCUMENT, upload))
    proposal.save()
    for kind, upload in files:
        ProposalFile.objects.create(proposal=proposal, kind=kind, file=upload)
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by: User) -> Proposal:
    proposal = _locked_proposal(proposal.pk)
    if proposal.author_id != by.pk:
        raise ValidationError(_("Only the author can submit this proposal."))
    if proposal.status != Proposal.Status.DRAFT:
        raise ValidationError(_("This proposal has already been submitted."))
    if proposal.cycle.phase != Phase.PROPOSALS:
        raise ValidationError(_("Proposals are not open in this cycle."))
    proposal.status, proposal.submitted_at = Proposal.Status.SUBMITTED, timezone.now()
    proposal.save(update_fields=["status", "submitted_at", "updated_at"])
    _notify_status(proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by: User) -> Proposal:
    proposal = _locked_proposal(proposal.pk)
    if proposal.author_id != by.pk:
        raise ValidationError(_("Only the author can withdraw this proposal."))
    if proposal.status not in (Proposal.Status.DRAFT, Proposal.Status.SUBMITTED,
                               Proposal.Status.IN_REVIEW) or proposal.cycle.is_frozen:
        raise ValidationError(_("This proposal can no longer be withdrawn."))
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


@transaction.atomic
def proposal_support(*, proposal: Proposal, user: User) -> bool:
    """Toggle the user's support; returns whether they now support it."""
    _require_resident(user)
    proposal = Proposal.objects.get(pk=proposal.pk)
    if not proposal.takes_support:
        raise ValidationError(_("This proposal cannot be supported."))
    deleted, _d = Support.objects.filter(proposal=proposal, user=user).delete()
    if deleted:
        Proposal.objects.filter(pk=proposal.pk).update(supporters_count=F("supporters_count") - 1)
        return False
    Support.objects.create(proposal=proposal, user=user)
    Proposal.objects.filter(pk=proposal.pk).update(supporters_count=F("supporters_count") + 1)
    return True


@transaction.atomic
def comment_add(*, proposal: Proposal, author: User, text: str) -> Comment:
    _require_resident(author)
    proposal = Proposal.objects.get(pk=proposal.pk)
    if not proposal.takes_comments:
        raise ValidationError(_("Comments are closed for this proposal."))
    comment = Comment(proposal=proposal, author=author, text=text.strip(),
                      language=writing_language())
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def content_hide(*, obj: Proposal | Comment, reason: str, by: User) -> None:
    """Moderators hide abusive content with a public reason (audit-logged by auditlog)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a public reason for hiding this."))
    if (isinstance(obj, Proposal) and obj.status == Proposal.Status.APPROVED
            and obj.cycle.is_frozen):
        # Ballots already name it; hiding it would drop it from the count.
        raise ValidationError(_("Voting has opened: projects on the ballot can no longer be "
                                "hidden. Hide abusive comments instead."))
    obj.hidden, obj.hidden_reason = True, reason[:300]
    obj.save(update_fields=["hidden", "hidden_reason"])
    if isinstance(obj, Proposal):
        # Its photos and attachments stop answering at their public addresses.
        for file in obj.files.all():
            if media.withhold(file.file):
                file.save(update_fields=["file"])
        _notify_status(obj)


# --- Review ------------------------------------------------------------------------------

@transaction.atomic
def proposal_assign(*, proposal: Proposal, department, by: User) -> Proposal:
    proposal = _locked_proposal(proposal.pk)
    if proposal.status not in (Proposal.Status.SUBMITTED, Proposal.Status.IN_REVIEW):
        raise ValidationError(_("Only submitted proposals can be assigned."))
    proposal.department, proposal.status = department, Proposal.Status.IN_REVIEW
    proposal.save(update_fields=["department", "status", "updated_at"])
    _notify_status(proposal)
    return proposal


@transaction.atomic
def proposal_review(*, proposal: Proposal, by: User, legal_ok: bool, technical_ok: bool,
                    competence_ok: bool, cost: int | None, cost_breakdown: str,
                    reason: str) -> Proposal:
    """Record feasibility; approve (onto the ballot) when all three checks pass."""
    proposal = _locked_proposal(proposal.pk)
    if proposal.cycle.is_frozen:
        raise ValidationError(_("Voting has opened: projects on the ballot and their costs "
                                "can no longer change."))
    if proposal.cycle.phase not in (Phase.PROPOSALS, Phase.REVIEW):
        raise ValidationError(_("Proposals are reviewed during the review phase."))
    if proposal.status not in (Proposal.Status.SUBMITTED, Proposal.Status.IN_REVIEW,
                               Proposal.Status.APPROVED, Proposal.Status.REJECTED):
        raise ValidationError(_("This proposal cannot be reviewed."))
    feasible = legal_ok and technical_ok and competence_ok
    if feasible and not cost:
        raise ValidationError(_("Give the revised cost of a feasible project."))
    if feasible and cost and cost > proposal.pool.budget:
        raise ValidationError(_("The revised cost is larger than the pool's whole budget."))
    if not feasible and not reason.strip():
        raise ValidationError(_("Give a public reason for rejecting the proposal."))
    proposal.legal_ok, proposal.technical_ok, proposal.competence_ok = (
        legal_ok, technical_ok, competence_ok)
    proposal.cost, proposal.cost_breakdown = cost, cost_breakdown.strip()
    proposal.review_reason, proposal.reviewed_by = reason.strip(), by
    proposal.status = Proposal.Status.APPROVED if feasible else Proposal.Status.REJECTED
    proposal.full_clean()
    proposal.save()
    _notify_status(proposal)
    return proposal


@transaction.atomic
def proposal_merge(*, duplicate: Proposal, into: Proposal, by: User, reason: str) -> Proposal:
    """Merge a duplicate into another proposal; both authors are told."""
    if duplicate.pk == into.pk or duplicate.cycle_id != into.cycle_id:
        raise ValidationError(_("A proposal can only be merged into another proposal of the "
                                "same cycle."))
    if duplicate.cycle.is_frozen:
        raise ValidationError(_("Voting has opened: proposals can no longer be merged."))
    duplicate = Proposal.objects.select_for_update().get(pk=duplicate.pk)
    duplicate.status, duplicate.merged_into = Proposal.Status.MERGED, into
    duplicate.review_reason = reason.strip() or _("Merged with a similar proposal.")
    duplicate.reviewed_by = by
    duplicate.save(update_fields=["status", "merged_into", "review_reason", "reviewed_by",
                                  "updated_at"])
    _notify_status(duplicate)
    notify([into.author], lambda: Message(
        subject=_("Your proposal: %(title)s") % {"title": into.title},
        body=_("A similar proposal, “%(other)s”, was merged into yours.")
        % {"other": duplicate.title}))
    return duplicate


# --- Implementation ---------------------------------------------------------------------

@transaction.atomic
def implementation_start(*, cycle: Cycle) -> list[Implementation]:
    """Create an implementation record for every selected project of a published cycle."""
    made = []
    for result in PoolResult.objects.filter(pool__cycle=cycle):
        for pid in result.outcome["selected"]:
            proposal = Proposal.objects.get(pk=int(pid))
            impl, _c = Implementation.objects.get_or_create(
                proposal=proposal, defaults={"department": proposal.department,
                                             "is_sample": proposal.is_sample})
            made.append(impl)
    return made


@transaction.atomic
def implementation_update(*, implementation: Implementation, by: User, status: str,
                          percent_complete: int, contracted: int, spent: int, contractor: str,
                          procurement_ref: str, text: str = "", kind: str = "progress",
                          photo=None, at: datetime.datetime | None = None) -> Implementation:
    """Record where a project stands; `at` dates an update written earlier (an import)."""
    impl = Implementation.objects.select_for_update().get(pk=implementation.pk)
    impl.status, impl.percent_complete = status, percent_complete
    impl.contracted, impl.spent = contracted, spent
    impl.contractor, impl.procurement_ref = contractor.strip(), procurement_ref.strip()
    impl.full_clean()
    impl.save()
    if text.strip() or photo:
        if photo:
            photo = clean_photo(photo, max_bytes=uploadlimits.max_bytes("budgeting"))
        update = ProjectUpdate(implementation=impl, kind=kind, text=text.strip(), photo=photo,
                               author=by, created_at=at or timezone.now())
        update.full_clean()
        update.save()
        followers = [follow.user for follow in
                     Follow.objects.filter(implementation=impl).select_related("user")]
        notify(followers, lambda: Message(
            subject=_("Update on %(title)s") % {"title": impl.proposal.title},
            body=update.text))
    return impl


@transaction.atomic
def follow_toggle(*, implementation: Implementation, user: User) -> bool:
    deleted, _d = Follow.objects.filter(implementation=implementation, user=user).delete()
    if deleted:
        return False
    Follow.objects.create(implementation=implementation, user=user)
    return True


@transaction.atomic
def milestone_save(*, implementation: Implementation, by: User, titles: dict[str, str],
                   planned: datetime.date, actual: datetime.date | None = None,
                   milestone: Milestone | None = None) -> Milestone:
    """Add or edit a milestone of a project's delivery; `actual` marks it reached."""
    milestone = milestone or Milestone(implementation=implementation)
    if milestone.implementation_id != implementation.pk:
        raise ValidationError(_("This milestone belongs to another project."))
    for language, title in titles.items():
        setattr(milestone, f"title_{language}", title.strip())
    milestone.planned, milestone.actual = planned, actual
    milestone.is_sample = implementation.is_sample
    milestone.full_clean()
    milestone.save()
    return milestone
