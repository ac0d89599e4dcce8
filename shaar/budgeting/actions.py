"""Every write of the civic budget: keyword-only, transactional, with translated errors."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from shaar.accounts.models import RegisterEntry, User, Verification, voter_key_for_pin
from shaar.accounts.notifications import notify
from shaar.accounts.selectors import residency_of
from shaar.web.uploads import check_document, clean_photo

from . import selectors
from .models import (
    PHASE_ORDER,
    Ballot,
    BallotRefusal,
    Comment,
    Cycle,
    Follow,
    Implementation,
    Milestone,
    Phase,
    Pool,
    PoolResult,
    ProjectUpdate,
    Proposal,
    ProposalFile,
    Support,
)

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


# --- Voters -------------------------------------------------------------------------------

def phone_voter_key(phone: str) -> str:
    """A voter key for an SMS-verified phone: HMAC of the number, in its own namespace.

    It can never equal a PIN's key, so a person who votes once with a phone and once with
    a PIN (online or on paper) is NOT detected: a cycle whose pools accept phones says so.
    """
    secret = settings.VOTER_KEY_SECRET.encode()
    return hmac.new(secret, f"phone:{phone}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Voter:
    key: str
    district_id: int | None
    method: str


def voter_for_user(user: User, pool: Pool) -> Voter:
    """The voter a user is for `pool`, or a ValidationError saying why they may not vote."""
    verification = residency_of(user) if user.is_authenticated else None
    if verification is None:
        raise ValidationError(_("Verify that you live in the city before you vote."))
    if verification.method not in pool.accepted_methods():
        raise ValidationError(_("This pool needs a stronger verification than yours "
                                "(residency register or in person)."))
    if verification.voter_key:
        key = verification.voter_key
    elif verification.method == Verification.Method.PHONE and user.phone and user.phone_verified:
        key = phone_voter_key(user.phone)
    else:
        raise ValidationError(_("Verify that you live in the city before you vote."))
    if pool.district_id and verification.district_id != pool.district_id:
        raise ValidationError(_("You can vote in the city-wide pool and in your own "
                                "district's pool only."))
    return Voter(key=key, district_id=verification.district_id, method=verification.method)


def voter_for_pin(pin: str, pool: Pool) -> Voter:
    """A voter at a district office: staff saw the ID and type the PIN."""
    key = voter_key_for_pin(pin)
    district_id = None
    verification = Verification.objects.filter(voter_key=key).first()
    entry = RegisterEntry.objects.filter(voter_key=key).first()
    if verification is not None:
        district_id = verification.district_id
    elif entry is not None:
        district_id = entry.district_id
    if pool.district_id:
        if district_id is not None and district_id != pool.district_id:
            raise ValidationError(_("This person lives in another district: they can vote "
                                    "here only in the city-wide pool."))
        district_id = pool.district_id
    return Voter(key=key, district_id=district_id, method="in_person")


# --- Ballots ------------------------------------------------------------------------------

def _check_ballot(pool: Pool, project_ids: list[int]) -> list[int]:
    """Every rule of the ballot, checked on the server (whatever the form allowed)."""
    chosen = sorted(set(project_ids))
    if len(chosen) != len(project_ids):
        raise ValidationError(_("A project appears twice on the ballot."))
    if not chosen:
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


class DuplicateBallot(ValidationError):
    """A second ballot for the same voter key and pool."""


def _refuse(pool: Pool, voter_key: str, channel: str, by: User | None, reason: str) -> None:
    # Written outside the failed transaction so the refusal is kept.
    BallotRefusal.objects.create(pool=pool, voter_key=voter_key, channel=channel,
                                 entered_by=by, reason=reason)
    log.warning("ballot refused pool=%s channel=%s reason=%s", pool.pk, channel, reason)


def ballot_cast(*, pool: Pool, voter: Voter, project_ids: list[int],
                channel: str = Ballot.Channel.WEB, entered_by: User | None = None) -> Ballot:
    """Cast (or, where the cycle allows it, replace) a ballot; returns the accepted ballot.

    `pool` is the caller's fresh read of the pool with its cycle. The ballot's rules are
    checked against it first; only then is the ballot linked into the pool's receipt chain,
    the one step that must be serialised per pool (see `_link`). The partial unique index on
    (pool, voter_key) refuses a second ballot: the IntegrityError becomes a refusal.
    """
    chosen = _check_ballot(pool, project_ids)
    ballot = Ballot(pool=pool, voter_key=voter.key, projects=chosen, channel=channel,
                    district_id=voter.district_id, salt=secrets.token_hex(16),
                    public_id=secrets.token_hex(8), cast_at=timezone.now())
    try:
        if pool.cycle.allow_ballot_change:
            with transaction.atomic():
                _replace_online_ballot(pool=pool, voter=voter, channel=channel)
                linked = _link(ballot, pool)
        else:
            linked = _link(ballot, pool)
    except DuplicateBallot as exc:
        _refuse(pool, voter.key, channel, entered_by, "duplicate")
        raise ValidationError(exc.messages) from None
    except IntegrityError:
        _refuse(pool, voter.key, channel, entered_by, "duplicate (database constraint)")
        raise ValidationError(_("A ballot has already been cast for this person in this pool. "
                                "Only one ballot per person is accepted.")) from None
    if linked:
        return ballot
    # Not linked: voting is not open (any more), or the pool's rules changed after the
    # caller read them (an edit just before voting opened). Check again with a fresh read.
    fresh = Pool.objects.select_related("cycle").get(pk=pool.pk)
    cycle = fresh.cycle
    if cycle.phase != Phase.VOTING:
        raise ValidationError(_("Voting is not open."))
    if cycle.voting_closes and timezone.now() > cycle.voting_closes:
        raise ValidationError(_("Voting has closed."))
    return ballot_cast(pool=fresh, voter=voter, project_ids=project_ids, channel=channel,
                       entered_by=entered_by)


def _replace_online_ballot(*, pool: Pool, voter: Voter, channel: str) -> None:
    """Where the cycle allows changes, an online ballot is replaced by a later online one;
    a paper ballot is final, and so is any ballot when the new one is on paper."""
    existing = (Ballot.objects.select_for_update()
                .filter(pool=pool, voter_key=voter.key, is_current=True).order_by("pk").first())
    if existing is None:
        return
    if not (channel == Ballot.Channel.WEB and existing.channel == Ballot.Channel.WEB):
        raise DuplicateBallot(_("A ballot has already been cast for this person in this "
                                "pool. Only one ballot per person is accepted."))
    existing.is_current = False
    existing.save(update_fields=["is_current"])


def _link(ballot: Ballot, pool: Pool) -> bool:
    """Append `ballot` to its pool's receipt chain and store it, if voting is open and the
    pool's ballot rules are still those `pool` says; returns whether it was stored.

    Appending is serialised per pool: the pool row (the chain's head) is locked, the receipt
    hashes the previous one, the head moves on. On PostgreSQL this is one statement, so the
    lock is held only while the server runs it and commits, never across a round trip to
    this process. Other databases lock the row (SQLite: an IMMEDIATE transaction) and take
    the same steps through the ORM.
    """
    if connection.vendor == "postgresql":
        return _link_in_one_statement(ballot, pool)
    with transaction.atomic():
        locked = (Pool.objects.select_for_update(of=("self",)).select_related("cycle")
                  .filter(pk=pool.pk).first())
        if not _still_open_with_same_rules(locked, pool):
            return False
        ballot.seq, ballot.previous_receipt = locked.ballot_seq + 1, locked.last_receipt
        ballot.receipt = Ballot.chain(locked.last_receipt, Ballot.content(ballot.projects),
                                      ballot.salt)
        ballot.save()
        # A queryset update: no signals, so the audit log never links a voter (the
        # request's user) to a receipt.
        Pool.objects.filter(pk=pool.pk).update(last_receipt=ballot.receipt,
                                               ballot_seq=ballot.seq)
    return True


def _still_open_with_same_rules(locked: Pool | None, pool: Pool) -> bool:
    if locked is None or locked.cycle.phase != Phase.VOTING:
        return False
    if locked.cycle.voting_closes and timezone.now() > locked.cycle.voting_closes:
        return False
    return all(getattr(locked, f) == getattr(pool, f) for f in Pool.BALLOT_RULE_FIELDS)


def _link_in_one_statement(ballot: Ballot, pool: Pool) -> bool:
    params = {"pool": pool.pk, "phase": Phase.VOTING, "now": ballot.cast_at,
              "content": Ballot.content(ballot.projects), "salt": ballot.salt,
              "key": ballot.voter_key, "projects": json.dumps(ballot.projects),
              "channel": ballot.channel, "district": ballot.district_id,
              "public_id": ballot.public_id,
              **{f: getattr(pool, f) for f in Pool.BALLOT_RULE_FIELDS}}
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # A savepoint, so that a refused duplicate leaves the caller's transaction usable.
            with transaction.atomic():
                cursor.execute(LINK_SQL, params)
        else:
            # Autocommit: the statement is its own transaction.
            cursor.execute(LINK_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return False
    ballot.pk, ballot.seq, ballot.previous_receipt, ballot.receipt = row
    ballot._state.adding, ballot._state.db = False, connection.alias
    return True


# The chain link on PostgreSQL. `head` locks the pool row (waiting for the ballot before,
# then reading its receipt) and checks that voting is open and the rules unchanged;
# `moved` advances the head; the INSERT stores the ballot with the same receipt. The receipt
# is Ballot.chain() written in SQL: sha256 of "previous|content|salt", as hex.
LINK_SQL = f"""
WITH head AS (
    SELECT p.id, p.ballot_seq + 1 AS seq, p.last_receipt AS previous,
           encode(sha256(convert_to(p.last_receipt || '|' || %(content)s || '|' || %(salt)s,
                                    'UTF8')), 'hex') AS receipt
      FROM {Pool._meta.db_table} p JOIN {Cycle._meta.db_table} c ON c.id = p.cycle_id
     WHERE p.id = %(pool)s AND c.phase = %(phase)s
       AND (c.voting_closes IS NULL OR c.voting_closes >= %(now)s)
       AND p.budget = %(budget)s AND p.ballot_form = %(ballot_form)s
       AND p.max_projects = %(max_projects)s
       FOR UPDATE OF p
), moved AS (
    UPDATE {Pool._meta.db_table} p SET ballot_seq = head.seq, last_receipt = head.receipt
      FROM head WHERE p.id = head.id
    RETURNING head.seq, head.previous, head.receipt
)
INSERT INTO {Ballot._meta.db_table}
       (pool_id, voter_key, projects, channel, district_id, seq, salt, previous_receipt,
        receipt, public_id, is_current, cast_at)
SELECT %(pool)s, %(key)s, %(projects)s::jsonb, %(channel)s, %(district)s, moved.seq,
       %(salt)s, moved.previous, moved.receipt, %(public_id)s, TRUE, %(now)s
  FROM moved
RETURNING id, seq, previous_receipt, receipt
"""  # noqa: S608 (table names from the models; every value is a parameter)


def paper_ballot_enter(*, staff: User, pool: Pool, pin: str, project_ids: list[int]) -> Ballot:
    """A paper ballot typed in at a district office with the voter's PIN."""
    voter = voter_for_pin(pin, pool)
    return ballot_cast(pool=pool, voter=voter, project_ids=project_ids,
                       channel=Ballot.Channel.PAPER, entered_by=staff)


def verify_chain(ballots: list[dict]) -> bool:
    """Check a published chain: each receipt hashes the previous one, content and salt."""
    previous = ""
    for row in ballots:
        if row["previous"] != previous:
            return False
        if Ballot.chain(previous, row["content"], row["salt"]) != row["receipt"]:
            return False
        previous = row["receipt"]
    return True


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


def cycle_count(*, cycle: Cycle) -> list[PoolResult]:
    """Count every pool (the Celery task calls this at close)."""
    if cycle.phase not in (Phase.COUNTING, Phase.RESULTS, Phase.IMPLEMENTATION):
        raise ValidationError(_("Ballots are counted once voting has closed."))
    return [pool_count(pool=pool) for pool in cycle.pools.all()]


@transaction.atomic
def pool_count(*, pool: Pool) -> PoolResult:
    """Count one pool with its rule and store the explained outcome with the engine version.

    Deterministic: the same ballots give byte-identical JSON, so a re-run changes nothing.
    """
    from . import opendata

    pool = Pool.objects.select_for_update().get(pk=pool.pk)
    instance = opendata.instance_for_pool(pool)
    result = opendata.count_instance(instance, pool.rule)
    digest = hashlib.sha256(opendata.ballots_text(instance).encode()).hexdigest()
    stored, _created = PoolResult.objects.update_or_create(pool=pool, defaults={
        "rule": result.rule, "rule_version": result.rule_version,
        "engine_version": opendata.engine_version(), "ballots": instance.num_voters,
        "ballots_digest": digest, "outcome": result.as_dict(),
    })
    return stored


# --- Notifications ------------------------------------------------------------------------

def _notify_status(proposal: Proposal) -> None:
    with override(settings.LANGUAGE_CODE):
        subject = _("Your proposal: %(title)s") % {"title": proposal.title}
        body = (_("The status of your proposal “%(title)s” is now: %(status)s.\n%(reason)s")
                % {"title": proposal.title, "status": proposal.get_status_display(),
                   "reason": proposal.review_reason})
        notify([proposal.author], subject=subject, body=body)


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
    proposal.full_clean()
    # Every file is checked before anything is written; photos are published, so they are
    # re-encoded without their metadata (a photo taken at home carries its GPS position).
    files = [(ProposalFile.Kind.PHOTO, clean_photo(upload, max_bytes=MAX_UPLOAD_BYTES))
             for upload in photos or []]
    for upload in attachments or []:
        check_document(upload, max_bytes=MAX_UPLOAD_BYTES)
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
    if proposal.status not in (Proposal.Status.SUBMITTED, Proposal.Status.IN_REVIEW,
                               Proposal.Status.APPROVED) or proposal.hidden:
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
    if proposal.hidden or proposal.status in (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN):
        raise ValidationError(_("Comments are closed for this proposal."))
    comment = Comment(proposal=proposal, author=author, text=text.strip())
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
    with override(settings.LANGUAGE_CODE):
        notify([into.author], subject=_("Your proposal: %(title)s") % {"title": into.title},
               body=_("A similar proposal, “%(other)s”, was merged into yours.")
               % {"other": duplicate.title})
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
            photo = clean_photo(photo, max_bytes=MAX_UPLOAD_BYTES)
        update = ProjectUpdate(implementation=impl, kind=kind, text=text.strip(), photo=photo,
                               author=by, created_at=at or timezone.now())
        update.full_clean()
        update.save()
        followers = [follow.user for follow in
                     Follow.objects.filter(implementation=impl).select_related("user")]
        with override(settings.LANGUAGE_CODE):
            notify(followers, subject=_("Update on %(title)s") % {"title": impl.proposal.title},
                   body=update.text)
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
