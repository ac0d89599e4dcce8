from __future__ import annotations

import re
import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shaar.accounts.models import (
    RegisterEntry,
    RegisterImport,
    Role,
    Verification,
    voter_key_for_pin,
)
from shaar.testing import (
    BaseTestCase,
    make_district,
    make_pin,
    make_resident,
    make_staff,
    search,
)

from .. import actions, commitment
from ..models import Ballot, BallotRefusal, PaperEntry, Phase, Pool, VoterMark
from .factories import (
    make_office_staff,
    make_pool,
    make_project,
    make_voting_cycle,
    paper_vote,
)

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


class BallotActionTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        (self.cycle, self.city_pool, self.local_pool, self.city_projects,
         self.local_projects) = make_voting_cycle(self.district)
        self.voter = actions.voter_for_user(self.resident, self.city_pool)
        self.clerks = (make_office_staff(self.district), make_office_staff(self.district))

    def cast(self, pool=None, ids=None, voter=None, **kw):
        pool = pool or self.city_pool
        ids = ids if ids is not None else [self.city_projects[1].pk]
        return actions.ballot_cast(pool=pool, voter=voter or self.voter, project_ids=ids, **kw)

    def test_it_keeps_who_voted_apart_from_what_was_voted(self):
        cast = self.cast(ids=[self.city_projects[1].pk, self.city_projects[2].pk])
        self.assertRegex(cast.receipt, CODE)
        mark = VoterMark.objects.get()
        self.assertEqual((mark.voter_key, mark.account_id, mark.district_id),
                         (self.voter.key, self.resident.pk, self.district.pk))
        ballot = Ballot.objects.get()
        self.assertEqual(ballot.projects, sorted([self.city_projects[1].pk,
                                                  self.city_projects[2].pk]))
        self.assertEqual(ballot.receipt_hash, commitment.receipt_hash(cast.receipt))
        # No voter key, account, time or sequence on the contents; a random primary key.
        names = {f.name for f in Ballot._meta.fields}
        self.assertEqual(names, {"id", "pool", "projects", "channel", "office", "receipt_hash",
                                 "change_hash"})
        self.assertEqual(uuid.UUID(str(ballot.pk)).version, 4)
        self.assertFalse({"projects", "receipt_hash"} & {f.name for f in VoterMark._meta.fields})

    def test_it_gives_unrelated_receipts_for_identical_ballots(self):
        first = self.cast()
        second = self.cast(voter=actions.voter_for_user(make_resident(district=self.district),
                                                        self.city_pool))
        self.assertNotEqual(first.receipt, second.receipt)
        self.assertEqual(first.projects, second.projects)

    def test_it_refuses_an_over_budget_knapsack_ballot(self):
        ids = [p.pk for p in self.city_projects]  # 1.1 m > 1 m
        with self.assertRaisesMessage(ValidationError, "more than the budget"):
            self.cast(ids=ids)
        self.assertFalse(Ballot.objects.exists() or VoterMark.objects.exists())

    def test_it_refuses_too_many_projects_on_an_approval_ballot(self):
        Pool.objects.filter(pk=self.city_pool.pk).update(ballot_form="approval", max_projects=2)
        self.city_pool.refresh_from_db()
        with self.assertRaisesMessage(ValidationError, "at most 2"):
            self.cast(ids=[p.pk for p in self.city_projects])

    def test_it_refuses_a_project_of_another_pool(self):
        with self.assertRaisesMessage(ValidationError, "not on this pool"):
            self.cast(ids=[self.local_projects[0].pk])

    def test_it_refuses_empty_and_repeated_choices(self):
        with self.assertRaisesMessage(ValidationError, "at least one"):
            self.cast(ids=[])
        pid = self.city_projects[1].pk
        with self.assertRaisesMessage(ValidationError, "twice"):
            self.cast(ids=[pid, pid])

    def test_it_refuses_ballots_outside_voting(self):
        self.cycle.phase = Phase.REVIEW
        self.cycle.save()
        with self.assertRaisesMessage(ValidationError, "Voting is not open"):
            self.cast()
        self.cycle.phase = Phase.VOTING
        self.cycle.voting_closes = timezone.now() - timedelta(minutes=1)
        self.cycle.save()
        with self.assertRaisesMessage(ValidationError, "closed"):
            self.cast()
        self.assertFalse(VoterMark.objects.exists())

    def test_it_refuses_a_second_online_ballot_by_default_and_logs_it(self):
        self.cast()
        with self.assertRaisesMessage(ValidationError, "already been cast"):
            self.cast(ids=[self.city_projects[2].pk])
        self.assertEqual((Ballot.objects.count(), VoterMark.objects.count()), (1, 1))
        refusal = BallotRefusal.objects.get()
        self.assertEqual((refusal.channel, refusal.voter_key), ("web", self.voter.key))

    def test_it_replaces_a_ballot_only_with_its_change_code(self):
        self.cycle.allow_ballot_change = True
        self.cycle.save()
        first = self.cast()
        self.assertRegex(first.change_code, CODE)
        with self.assertRaisesMessage(ValidationError, "already been cast"):
            self.cast(ids=[self.city_projects[2].pk])
        with self.assertRaisesMessage(ValidationError, "does not match"):
            self.cast(ids=[self.city_projects[2].pk], change_code="AAAA-BBBB-CCCC")
        second = self.cast(ids=[self.city_projects[2].pk], change_code=first.change_code)
        self.assertEqual(list(Ballot.objects.values_list("projects", flat=True)),
                         [[self.city_projects[2].pk]])
        self.assertEqual(actions.receipt_status(self.city_pool, first.receipt), "unknown")
        self.assertEqual(actions.receipt_status(self.city_pool, second.receipt), "recorded")
        self.assertEqual(VoterMark.objects.count(), 1)
        # Someone else's code is useless to a person who has not voted here.
        other = actions.voter_for_user(make_resident(district=self.district), self.city_pool)
        with self.assertRaisesMessage(ValidationError, "not voted online"):
            self.cast(voter=other, change_code=second.change_code)

    def test_it_refuses_a_paper_check_in_after_an_online_ballot(self):
        pin = make_pin()
        resident = make_resident(district=self.district, pin=pin)
        self.cast(voter=actions.voter_for_user(resident, self.city_pool))
        with self.assertRaisesMessage(ValidationError, "already been cast"):
            actions.paper_check_in(staff=self.clerks[0], pool=self.city_pool,
                                   office_id=self.district.pk, pin=pin)
        refusal = BallotRefusal.objects.get()
        self.assertEqual((refusal.channel, refusal.entered_by), ("paper", self.clerks[0]))

    def test_it_refuses_an_online_ballot_after_a_check_in_even_when_changes_are_allowed(self):
        self.cycle.allow_ballot_change = True
        self.cycle.save()
        pin = make_pin()
        resident = make_resident(district=self.district, pin=pin)
        actions.paper_check_in(staff=self.clerks[0], pool=self.local_pool,
                               office_id=self.district.pk, pin=pin)
        with self.assertRaisesMessage(ValidationError, "already been cast"):
            self.cast(pool=self.local_pool, ids=[self.local_projects[1].pk],
                      voter=actions.voter_for_user(resident, self.local_pool))
        self.assertEqual(BallotRefusal.objects.get().channel, "web")

    def test_it_checks_paper_voters_against_the_register_and_its_district(self):
        batch = RegisterImport.objects.create(file_name="register.csv")
        listed, elsewhere = make_pin(), make_pin()
        RegisterEntry.objects.create(voter_key=voter_key_for_pin(listed), birth_year=1980,
                                     district=self.district, batch=batch)
        RegisterEntry.objects.create(voter_key=voter_key_for_pin(elsewhere), birth_year=1980,
                                     district=make_district(), batch=batch)
        with self.assertRaisesMessage(ValidationError, "not in the residency register"):
            actions.paper_check_in(staff=self.clerks[0], pool=self.city_pool,
                                   office_id=self.district.pk, pin=make_pin())
        with self.assertRaisesMessage(ValidationError, "another district"):
            actions.paper_check_in(staff=self.clerks[0], pool=self.local_pool,
                                   office_id=self.district.pk, pin=elsewhere)
        mark = actions.paper_check_in(staff=self.clerks[0], pool=self.local_pool,
                                      office_id=self.district.pk, pin=listed)
        self.assertEqual((mark.channel, mark.office_id, mark.district_id),
                         ("paper", self.district.pk, self.district.pk))

    def test_it_lets_only_staff_of_the_district_office_act_for_it(self):
        other_office = make_office_staff(make_district())
        admin = make_staff(Role.CITY_ADMIN)
        for staff, office in ((other_office, self.district.pk), (admin, self.district.pk),
                              (self.official, self.district.pk)):
            with self.assertRaises(PermissionDenied):
                actions.paper_check_in(staff=staff, pool=self.local_pool, office_id=office,
                                       pin=make_pin())
            with self.assertRaises(PermissionDenied):
                actions.paper_entry_record(staff=staff, pool=self.local_pool, office_id=office,
                                           sheet=1, project_ids=[self.local_projects[0].pk])
        self.assertFalse(VoterMark.objects.exists() or PaperEntry.objects.exists())

    def test_it_records_a_paper_ballot_only_after_two_agreeing_entries(self):
        first, second = self.clerks
        pool, office = self.local_pool, self.district.pk
        choice, other = [self.local_projects[0].pk], [self.local_projects[1].pk]
        actions.paper_entry_record(staff=first, pool=pool, office_id=office, sheet=1,
                                   project_ids=choice)
        self.assertFalse(Ballot.objects.exists())
        with self.assertRaisesMessage(ValidationError, "another member of staff"):
            actions.paper_entry_record(staff=first, pool=pool, office_id=office, sheet=1,
                                       project_ids=choice)
        entry = actions.paper_entry_record(staff=second, pool=pool, office_id=office, sheet=1,
                                           project_ids=other)
        self.assertEqual(entry.status, PaperEntry.Status.MISMATCH)
        self.assertFalse(Ballot.objects.exists())
        with self.assertRaisesMessage(ValidationError, "matches neither"):
            actions.paper_entry_record(staff=first, pool=pool, office_id=office, sheet=1,
                                       project_ids=[self.local_projects[2].pk])
        entry = actions.paper_entry_record(staff=first, pool=pool, office_id=office, sheet=1,
                                           project_ids=choice)
        self.assertEqual(entry.status, PaperEntry.Status.AGREED)
        ballot = Ballot.objects.get()
        self.assertEqual((ballot.projects, ballot.channel, ballot.office_id, ballot.receipt_hash),
                         (choice, "paper", office, None))
        with self.assertRaisesMessage(ValidationError, "already been entered"):
            actions.paper_entry_record(staff=second, pool=pool, office_id=office, sheet=1,
                                       project_ids=choice)

    def test_it_counts_a_spoiled_sheet_in_the_reconciliation_but_not_in_the_ballots(self):
        from .. import selectors

        pin = make_pin()
        make_resident(district=self.district, pin=pin)
        paper_vote(self.local_pool, self.district, pin, [], sheet=1, staff=self.clerks)
        self.assertFalse(Ballot.objects.exists())
        tally = selectors.paper_tally(self.local_pool)
        self.assertEqual([(t.checked_in, t.entered, t.reconciled) for t in tally],
                         [(1, 1, True)])

    def test_it_words_each_refusal_with_what_to_do_next(self):
        other = make_resident(district=make_district())
        with self.assertRaises(actions.VoterRefused) as refused:
            actions.voter_for_user(other, self.local_pool)
        self.assertEqual(refused.exception.reason, "other-district")
        self.assertIn("another district", refused.exception.message)
        with self.assertRaises(actions.VoterRefused) as refused:
            actions.voter_for_user(self.outsider, self.city_pool)
        self.assertEqual(refused.exception.reason, "unverified")

    def test_it_derives_a_phone_key_only_for_pools_that_accept_phones(self):
        user = self.outsider
        user.phone, user.phone_verified = "+996700123456", True
        user.save()
        Verification.objects.create(user=user, method="phone", district=self.district,
                                    verified_at=timezone.now())
        with self.assertRaises(actions.VoterRefused) as refused:
            actions.voter_for_user(user, self.city_pool)
        self.assertEqual(refused.exception.reason, "method")
        self.assertIn("residency register", refused.exception.message)
        self.city_pool.accepts_phone = True
        voter = actions.voter_for_user(user, self.city_pool)
        self.assertEqual(voter.key, actions.phone_voter_key("+996700123456"))
        self.assertNotEqual(voter.key, voter_key_for_pin(make_pin()))

    def test_it_refuses_a_second_ballot_after_a_new_verification_of_the_same_account(self):
        # Verified by phone, votes; then verified by the register (a new voter key).
        user = self.outsider
        user.phone, user.phone_verified = "+996700123457", True
        user.save()
        verification = Verification.objects.create(user=user, method="phone",
                                                   district=self.district,
                                                   verified_at=timezone.now())
        Pool.objects.filter(pk=self.city_pool.pk).update(accepts_phone=True)
        self.city_pool.refresh_from_db()
        self.cast(voter=actions.voter_for_user(user, self.city_pool))
        verification.method, verification.voter_key = "register", voter_key_for_pin(make_pin())
        verification.save()
        with self.assertRaisesMessage(ValidationError, "already been cast"):
            self.cast(voter=actions.voter_for_user(user, self.city_pool))
        self.assertEqual(Ballot.objects.count(), 1)

    def test_it_allows_one_district_pool_per_cycle_whatever_the_order(self):
        other_district = make_district()
        other_pool = make_pool(self.cycle, other_district)
        other_project = make_project(other_pool)
        Verification.objects.filter(user=self.resident).update(district=other_district)
        self.cast(pool=other_pool, ids=[other_project.pk],
                  voter=actions.voter_for_user(self.resident, other_pool))
        # The resident's district changes back: the cycle's district pool is taken.
        Verification.objects.filter(user=self.resident).update(district=self.district)
        with self.assertRaisesMessage(ValidationError, "already been cast"):
            self.cast(pool=self.local_pool, ids=[self.local_projects[0].pk],
                      voter=actions.voter_for_user(self.resident, self.local_pool))
        self.cast(voter=actions.voter_for_user(self.resident, self.city_pool))

    def test_it_refuses_duplicates_through_the_database_constraints_too(self):
        self.cast()
        base = {"pool": self.city_pool, "channel": "web"}
        for extra in ({"voter_key": self.voter.key},
                      {"voter_key": "k2", "account": self.resident}):
            with self.assertRaises(IntegrityError), transaction.atomic():
                VoterMark.objects.create(**base, **extra)
        second_district_pool = make_pool(self.cycle, make_district())
        VoterMark.objects.create(pool=self.local_pool, district_cycle=self.cycle,
                                 voter_key="k3", account=self.outsider, channel="web")
        for extra in ({"voter_key": "k3"}, {"voter_key": "k4", "account": self.outsider}):
            with self.assertRaises(IntegrityError), transaction.atomic():
                VoterMark.objects.create(pool=second_district_pool, district_cycle=self.cycle,
                                         channel="web", **extra)


class SealTests(BaseTestCase):
    """The commitment: published at the seal, before counting; any later change shows."""

    def setUp(self) -> None:
        super().setUp()
        (self.cycle, self.city_pool, self.local_pool, self.city_projects,
         self.local_projects) = make_voting_cycle(self.district)
        self.clerks = (make_office_staff(self.district), make_office_staff(self.district))
        self.receipts = []
        for n in range(4):
            voter = actions.voter_for_user(make_resident(district=self.district), self.city_pool)
            self.receipts.append(actions.ballot_cast(
                pool=self.city_pool, voter=voter,
                project_ids=[self.city_projects[n % 3].pk]).receipt)
        self.pin = make_pin()
        make_resident(district=self.district, pin=self.pin)
        actions.paper_check_in(staff=self.clerks[0], pool=self.city_pool,
                               office_id=self.district.pk, pin=self.pin)
        self.cycle = actions.cycle_advance(cycle=self.cycle, by=self.admin)  # counting

    def enter_paper(self):
        for clerk in self.clerks:
            actions.paper_entry_record(staff=clerk, pool=self.city_pool,
                                       office_id=self.district.pk, sheet=1,
                                       project_ids=[self.city_projects[2].pk])

    def test_it_seals_and_counts_only_once_the_offices_are_reconciled(self):
        with self.assertRaisesMessage(ValidationError, "not reconciled"):
            actions.pool_seal(pool=self.city_pool)
        self.assertEqual([r.pool_id for r in actions.cycle_count(cycle=self.cycle)],
                         [self.local_pool.pk])
        with self.assertRaisesMessage(ValidationError, "not been counted"):
            actions.cycle_advance(cycle=self.cycle, by=self.admin)
        self.enter_paper()
        actions.cycle_count(cycle=self.cycle)
        self.city_pool.refresh_from_db()
        self.assertTrue(actions.verify_commitment(self.city_pool))
        self.assertEqual(self.city_pool.result.ballots, 5)
        with self.assertRaisesMessage(ValidationError, "until the pool is sealed"):
            self.enter_paper()
        actions.cycle_advance(cycle=self.cycle, by=self.admin)  # results

    def test_the_published_verifier_detects_a_deleted_an_added_and_an_altered_ballot(self):
        from .. import selectors

        self.enter_paper()
        pool = actions.pool_seal(pool=self.city_pool)
        text = selectors.ballots_text(pool)
        self.assertEqual(commitment.verify(text, pool.commitment, self.receipts[0]), [])
        lines = text.splitlines(keepends=True)
        ballot_lines = [i for i, line in enumerate(lines) if line.startswith("ballot ")]
        deleted = "".join(lines[:ballot_lines[0]] + lines[ballot_lines[0] + 1:])
        added = text + f"ballot {uuid.uuid4().hex} {self.city_projects[0].pk}\n"
        altered = text.replace(lines[ballot_lines[1]], re.sub(
            r" [\d,]+$", f" {self.city_projects[0].pk},{self.city_projects[1].pk}",
            lines[ballot_lines[1]].rstrip("\n")) + "\n")
        for tampered in (deleted, added, altered):
            self.assertNotEqual(tampered, text)
            self.assertIn("differ", commitment.verify(tampered, pool.commitment)[0])
        self.assertIn("not among", commitment.verify(text, pool.commitment, "ZZZZ-ZZZZ-ZZZZ")[0])

    def test_it_refuses_to_publish_when_the_stored_ballots_no_longer_match(self):
        self.enter_paper()
        actions.cycle_count(cycle=self.cycle)
        # An online ballot: a paper one would also break the office's reconciliation.
        ballot = Ballot.objects.filter(pool=self.city_pool, channel=Ballot.Channel.WEB).first()
        assert ballot is not None
        ballot.delete()
        self.city_pool.refresh_from_db()
        self.assertFalse(actions.verify_commitment(self.city_pool))
        with self.assertRaisesMessage(ValidationError, "no longer match"):
            actions.cycle_advance(cycle=self.cycle, by=self.admin)

    def test_the_verifier_runs_from_the_command_line(self):
        import subprocess
        import sys
        import tempfile

        from django.conf import settings

        from .. import selectors

        self.enter_paper()
        pool = actions.pool_seal(pool=self.city_pool)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
            handle.write(selectors.ballots_text(pool))
        run = [sys.executable, "-m", "shaar.budgeting.commitment", handle.name, pool.commitment]
        done = subprocess.run([*run, "--receipt", self.receipts[1]], capture_output=True,
                              text=True, cwd=settings.BASE_DIR)
        self.assertEqual((done.returncode, done.stdout.split(":")[0]), (0, "OK"))
        done = subprocess.run([*run[:-1], "0" * 64], capture_output=True, text=True,
                              cwd=settings.BASE_DIR)
        self.assertEqual(done.returncode, 1)


class BallotPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        (self.cycle, self.city_pool, self.local_pool, self.city_projects,
         self.local_projects) = make_voting_cycle(self.district)
        self.url = reverse("budgeting:ballot", args=[self.cycle.slug, self.city_pool.pk])

    def test_it_shows_the_ballot_with_costs_budget_minimum_and_tie_rule(self):
        self.client.force_login(self.resident)
        response = self.client.get(self.url)
        self.assertContains(response, self.city_projects[0].title)
        self.assertContains(response, 'data-cost="600000"')
        self.assertContains(response, 'id="ballot-data"')
        self.assertContains(response, "at least 1 vote")
        self.assertContains(response, "more votes, then lower cost, then a public draw")

    def test_it_shows_the_receipt_once_with_a_qr_code_and_never_the_choice_again(self):
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        self.assertEqual(response.status_code, 200)
        receipt = search(r'<code class="receipt">([^<]+)</code>', response.text).group(1)
        self.assertEqual(Ballot.objects.get().receipt_hash, commitment.receipt_hash(receipt))
        qr = search(r'<img src="([^"]+receipt.svg[^"]+)"', response.text).group(1)
        image = self.client.get(qr.replace("&amp;", "&"))
        self.assertEqual(image["Content-Type"], "image/svg+xml")
        self.assertIn(b"<svg", image.content)
        page = self.client.get(self.url)
        self.assertNotContains(page, receipt)
        self.assertContains(page, 'id="voted"')
        self.assertNotContains(page, 'id="ballot-form"')

    def test_review_change_and_confirm_work_without_javascript(self):
        """The form's button asks the server for a review (step=review): the choice, the
        total, "change" (the form again, still ticked) and "confirm" (the cast)."""
        self.client.force_login(self.resident)
        chosen = [self.city_projects[1], self.city_projects[2]]
        form = self.client.get(self.url)
        self.assertContains(form, 'name="step" value="review"')
        review = self.client.post(self.url, {"projects": [p.pk for p in chosen],
                                             "step": "review"})
        self.assertEqual(review.status_code, 200)
        self.assertFalse(Ballot.objects.exists())
        self.assertContains(review, 'id="ballot-review-form"')
        listed = search(r'<ol id="review-list">(.*?)</ol>', review.text.replace("\n", " "))
        for project in chosen:
            self.assertIn(project.title, listed.group(1))
        self.assertNotIn(self.city_projects[0].title, listed.group(1))
        total = sum(p.cost for p in chosen)
        self.assertContains(review, f"Chosen: {total:,} of {self.city_pool.budget:,} som")
        self.assertContains(review, 'id="review-confirm"')
        self.assertContains(review, 'name="step" value="change"')
        self.assertNotContains(review, 'id="ballot-form"')
        for project in chosen:
            self.assertContains(review, f'<input type="hidden" name="projects" '
                                        f'value="{project.pk}">')
        change = self.client.post(self.url, {"projects": [p.pk for p in chosen],
                                             "step": "change"})
        self.assertContains(change, 'id="ballot-form"')
        self.assertContains(change, f'value="{chosen[0].pk}" id="project-{chosen[0].pk}" '
                                    f'data-cost="{chosen[0].cost}" checked')
        self.assertFalse(Ballot.objects.exists())
        confirm = self.client.post(self.url, {"projects": [p.pk for p in chosen]})
        receipt = search(r'<code class="receipt">([^<]+)</code>', confirm.text).group(1)
        self.assertEqual(Ballot.objects.get().receipt_hash, commitment.receipt_hash(receipt))
        self.assertEqual(sorted(Ballot.objects.get().projects), sorted(p.pk for p in chosen))

    def test_a_review_checks_every_rule_and_casts_nothing(self):
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"projects": [p.pk for p in self.city_projects],
                                               "step": "review"})
        self.assertContains(response, "more than the budget", status_code=400)
        self.assertContains(response, 'id="ballot-form"', status_code=400)
        self.assertNotContains(response, 'id="ballot-review-form"', status_code=400)
        self.assertFalse(Ballot.objects.exists())

    def test_it_checks_a_receipt_as_recorded_then_unknown_when_mistyped(self):
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        receipt = search(r'<code class="receipt">([^<]+)</code>', response.text).group(1)
        url = reverse("budgeting:receipt", args=[self.cycle.slug, self.city_pool.pk])
        self.client.logout()
        page = self.client.get(url, {"code": receipt.lower().replace("-", " ")})
        self.assertContains(page, 'data-status="recorded"')
        self.assertNotContains(page, self.city_projects[1].title)
        self.assertContains(self.client.get(url, {"code": "0000-0000-0000"}),
                            'data-status="unknown"', status_code=404)

    def test_it_refuses_an_over_budget_ballot_posted_straight_to_the_endpoint(self):
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"projects": [p.pk for p in self.city_projects]})
        self.assertContains(response, "more than the budget", status_code=400)
        self.assertFalse(Ballot.objects.exists())

    def test_it_refuses_an_over_count_ballot_posted_straight_to_the_endpoint(self):
        Pool.objects.filter(pk=self.city_pool.pk).update(ballot_form="approval", max_projects=1)
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"projects": [p.pk for p in
                                                            self.city_projects[1:]]})
        self.assertContains(response, "at most 1", status_code=400)

    def test_it_answers_garbage_with_a_400_not_a_500(self):
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"projects": ["abc"]})
        self.assertEqual(response.status_code, 400)

    def test_it_refuses_an_unverified_user_with_a_403_and_a_way_back_after_verifying(self):
        self.client.force_login(self.outsider)
        response = self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        self.assertEqual(response.status_code, 403)
        page = self.client.get(self.url)
        self.assertContains(page, f'{reverse("accounts:verify")}?{urlencode({"next": self.url})}'
                                  "&amp;needs=in_person%2Cregister")

    def test_it_says_plainly_that_a_pool_belongs_to_another_district(self):
        self.client.force_login(make_resident(district=make_district()))
        url = reverse("budgeting:ballot", args=[self.cycle.slug, self.local_pool.pk])
        page = self.client.get(url)
        self.assertContains(page, "pool of another district")
        self.assertNotContains(page, reverse("accounts:verify"))

    def test_it_sends_anonymous_voters_to_log_in(self):
        response = self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        self.assertRedirects(response, f"{reverse('account_login')}?next={self.url}",
                             fetch_redirect_response=False)
        self.assertFalse(Ballot.objects.exists() or VoterMark.objects.exists())

    def test_it_refuses_a_second_ballot_on_the_page(self):
        self.client.force_login(self.resident)
        self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        response = self.client.post(self.url, {"projects": [self.city_projects[2].pk]})
        self.assertContains(response, "already been cast", status_code=400)

    def test_it_never_shows_vote_counts_before_publication(self):
        self.client.force_login(self.resident)
        self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        args = [self.cycle.slug, self.city_pool.pk]
        for name in ("results", "results-pb", "results-csv", "results-json", "receipts",
                     "ballots-txt"):
            self.assertEqual(self.client.get(reverse(f"budgeting:{name}", args=args))
                             .status_code, 404, name)
        api = self.client.get("/api/v1/budgeting/cycles").json()
        pool = next(p for c in api for p in c["pools"] if p["id"] == self.city_pool.pk)
        self.assertIsNone(pool["results"])
        self.assertNotIn("votes", str(pool["projects"]))


class PaperBallotPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        (self.cycle, self.city_pool, self.local_pool, self.projects,
         self.local_projects) = make_voting_cycle(self.district)
        self.clerk = make_office_staff(self.district)
        self.url = reverse("budgeting:paper", args=[self.cycle.slug, self.local_pool.pk])
        self.entry_url = reverse("budgeting:paper-entry",
                                 args=[self.cycle.slug, self.local_pool.pk])

    def test_it_lets_staff_of_the_district_office_only(self):
        response = self.client.get(self.url)  # not signed in
        self.assertRedirects(response, f"{reverse('account_login')}?next={self.url}",
                             fetch_redirect_response=False)
        elsewhere = make_office_staff(make_district())
        for user, status in ((self.outsider, 403), (self.resident, 403), (self.moderator, 403),
                             (self.official, 403), (self.admin, 403), (elsewhere, 403),
                             (self.clerk, 200)):
            self.client.force_login(user)
            for url in (self.url, self.entry_url):
                self.assertEqual(self.client.get(url).status_code, status, (user, url))
        # The city-wide pool: any office, at its own office.
        self.client.force_login(elsewhere)
        city = reverse("budgeting:paper", args=[self.cycle.slug, self.city_pool.pk])
        self.assertEqual(self.client.get(city).status_code, 200)

    def test_it_checks_in_with_identity_only_and_refuses_the_same_pin_twice(self):
        self.client.force_login(self.clerk)
        page = self.client.get(self.url)
        self.assertNotContains(page, 'name="projects"')
        data = {"office": self.district.pk, "pin": make_pin()}
        # Back to an empty check-in form for the next voter in the queue.
        self.assertRedirects(self.client.post(self.url, data), self.url,
                             fetch_redirect_response=False)
        self.assertEqual(VoterMark.objects.get().channel, "paper")
        self.assertFalse(Ballot.objects.exists())
        response = self.client.post(self.url, data)
        self.assertContains(response, "already been cast", status_code=400)
        self.assertEqual(BallotRefusal.objects.get().entered_by, self.clerk)

    def test_it_enters_contents_without_identity(self):
        self.client.force_login(self.clerk)
        page = self.client.get(self.entry_url)
        self.assertNotContains(page, 'name="pin"')
        self.assertContains(page, 'id="paper-tally"')
        data = {"office": self.district.pk, "sheet": 1, "projects": [self.local_projects[0].pk]}
        self.assertRedirects(self.client.post(self.entry_url, data), self.entry_url,
                             fetch_redirect_response=False)
        self.assertEqual(PaperEntry.objects.get().status, "first")
        self.assertContains(self.client.post(self.entry_url, data), "another member of staff",
                            status_code=400)

    def test_it_refuses_a_malformed_pin_and_another_office(self):
        self.client.force_login(self.clerk)
        response = self.client.post(self.url, {"office": self.district.pk, "pin": "123"})
        self.assertContains(response, "14 digits", status_code=400)
        other = make_district()
        response = self.client.post(self.url, {"office": other.pk, "pin": make_pin()})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(VoterMark.objects.exists())

    def test_it_refuses_get_of_wrong_pool_and_wrong_method(self):
        self.client.force_login(self.clerk)
        bad = reverse("budgeting:paper", args=[self.cycle.slug, 99999])
        self.assertEqual(self.client.get(bad).status_code, 404)
        self.assertEqual(self.client.put(self.url).status_code, 405)


class StaffWithoutTotpTests(BaseTestCase):
    def test_it_sends_staff_without_two_factor_to_set_it_up(self):
        from shaar.accounts.models import RoleAssignment
        from shaar.testing import make_user

        cycle, pool, *_rest = make_voting_cycle(self.district)
        user = make_user()
        RoleAssignment.objects.create(user=user, role=Role.DISTRICT_OFFICE, district=self.district)
        self.client.force_login(user)
        response = self.client.get(reverse("budgeting:paper", args=[cycle.slug, pool.pk]))
        self.assertRedirects(response, reverse("mfa_activate_totp"),
                             fetch_redirect_response=False)


class BallotHotPathTests(BaseTestCase):
    def test_it_casts_a_ballot_in_few_queries(self):
        cycle, city, _local, projects, _lp = make_voting_cycle(self.district)
        self.client.force_login(self.resident)
        url = reverse("budgeting:ballot", args=[cycle.slug, city.pk])
        self.client.get(url)
        from auditlog.models import LogEntry
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        logged = LogEntry.objects.count()
        with CaptureQueriesContext(connection) as queries:
            response = self.client.post(url, {"projects": [projects[1].pk]})
        self.assertEqual(response.status_code, 200)
        # Nothing ties the voter (the request's user) to the ballot or its receipt.
        self.assertEqual(LogEntry.objects.count(), logged)
        # session; user with whether they hold a role and their verification; then the pool
        # row locked, the cycle's phase, the voter mark and the ballot. The pool and its
        # project costs come from the process's copy of the frozen ballot (read by the GET).
        statements = [q["sql"] for q in queries.captured_queries
                      if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN"))]
        self.assertLessEqual(len(statements), 6, "\n".join(statements))
