from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shaar.accounts.models import Role, Verification, voter_key_for_pin
from shaar.lib.testing import BaseTestCase, make_district, make_pin, make_resident, make_staff

from .. import actions
from ..models import Ballot, BallotRefusal, Phase, Pool
from .factories import make_project, make_voting_cycle


class BallotActionTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        (self.cycle, self.city_pool, self.local_pool, self.city_projects,
         self.local_projects) = make_voting_cycle(self.district)
        self.voter = actions.voter_for_user(self.resident, self.city_pool)

    def cast(self, pool=None, ids=None, voter=None, **kw):
        pool = pool or self.city_pool
        ids = ids if ids is not None else [self.city_projects[1].pk]
        return actions.ballot_cast(pool=pool, voter=voter or self.voter, project_ids=ids, **kw)

    def test_it_accepts_a_ballot_without_a_user_id_and_gives_a_receipt(self):
        ballot = self.cast(ids=[self.city_projects[1].pk, self.city_projects[2].pk])
        self.assertEqual(len(ballot.receipt), 64)
        self.assertEqual(ballot.previous_receipt, "")
        self.assertEqual(ballot.receipt, Ballot.chain("", ballot.content(ballot.projects),
                                                      ballot.salt))
        self.assertFalse(any(f.name in ("user", "user_id") for f in Ballot._meta.fields))
        self.assertEqual(ballot.district_id, self.district.pk)

    def test_it_chains_receipts(self):
        first = self.cast()
        other = make_resident(district=self.district)
        second = self.cast(voter=actions.voter_for_user(other, self.city_pool))
        self.assertEqual(second.previous_receipt, first.receipt)
        self.assertEqual(second.seq, first.seq + 1)

    def test_it_refuses_an_over_budget_knapsack_ballot(self):
        ids = [p.pk for p in self.city_projects]  # 1.1 m > 1 m
        with self.assertRaisesMessage(ValidationError, "more than the budget"):
            self.cast(ids=ids)
        self.assertFalse(Ballot.objects.exists())

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
        self.cycle.voting_closes = timezone.now() - timezone.timedelta(minutes=1)
        self.cycle.save()
        with self.assertRaisesMessage(ValidationError, "closed"):
            self.cast()

    def test_it_refuses_a_second_online_ballot_by_default_and_logs_it(self):
        self.cast()
        with self.assertRaisesMessage(ValidationError, "already been cast"):
            self.cast(ids=[self.city_projects[2].pk])
        self.assertEqual(Ballot.objects.count(), 1)
        refusal = BallotRefusal.objects.get()
        self.assertEqual((refusal.channel, refusal.voter_key), ("web", self.voter.key))

    def test_it_lets_a_voter_replace_an_online_ballot_when_the_cycle_allows_it(self):
        self.cycle.allow_ballot_change = True
        self.cycle.save()
        first = self.cast()
        second = self.cast(ids=[self.city_projects[2].pk])
        first.refresh_from_db()
        self.assertFalse(first.is_current)
        self.assertTrue(second.is_current)
        self.assertEqual(second.previous_receipt, first.receipt)
        self.assertEqual(Ballot.objects.filter(is_current=True).count(), 1)

    def test_it_refuses_a_paper_ballot_after_an_online_one(self):
        pin = make_pin()
        resident = make_resident(district=self.district, pin=pin)
        actions.ballot_cast(pool=self.city_pool, project_ids=[self.city_projects[1].pk],
                            voter=actions.voter_for_user(resident, self.city_pool))
        with self.assertRaisesMessage(ValidationError, "already been cast"):
            actions.paper_ballot_enter(staff=self.official, pool=self.city_pool, pin=pin,
                                       project_ids=[self.city_projects[2].pk])
        refusal = BallotRefusal.objects.get()
        self.assertEqual((refusal.channel, refusal.entered_by), ("paper", self.official))

    def test_it_refuses_an_online_ballot_after_a_paper_one_even_when_changes_are_allowed(self):
        self.cycle.allow_ballot_change = True
        self.cycle.save()
        pin = make_pin()
        resident = make_resident(district=self.district, pin=pin)
        paper = actions.paper_ballot_enter(staff=self.official, pool=self.local_pool, pin=pin,
                                           project_ids=[self.local_projects[0].pk])
        self.assertEqual(paper.channel, "paper")
        with self.assertRaisesMessage(ValidationError, "already been cast"):
            actions.ballot_cast(pool=self.local_pool, project_ids=[self.local_projects[1].pk],
                                voter=actions.voter_for_user(resident, self.local_pool))
        self.assertEqual(BallotRefusal.objects.get().channel, "web")

    def test_it_refuses_a_paper_ballot_for_a_resident_of_another_district(self):
        pin = make_pin()
        make_resident(district=make_district(), pin=pin)
        with self.assertRaisesMessage(ValidationError, "another district"):
            actions.paper_ballot_enter(staff=self.official, pool=self.local_pool, pin=pin,
                                       project_ids=[self.local_projects[0].pk])

    def test_it_lets_a_resident_vote_only_in_the_city_and_their_district(self):
        self.assertEqual(actions.voter_for_user(self.resident, self.local_pool).key,
                         self.voter.key)
        other = make_resident(district=make_district())
        with self.assertRaisesMessage(ValidationError, "own district"):
            actions.voter_for_user(other, self.local_pool)
        with self.assertRaisesMessage(ValidationError, "Verify"):
            actions.voter_for_user(self.outsider, self.city_pool)

    def test_it_derives_a_phone_key_only_for_pools_that_accept_phones(self):
        user = self.outsider
        user.phone, user.phone_verified = "+996700123456", True
        user.save()
        Verification.objects.create(user=user, method="phone", district=self.district,
                                    verified_at=timezone.now())
        with self.assertRaisesMessage(ValidationError, "stronger verification"):
            actions.voter_for_user(user, self.city_pool)
        self.city_pool.accepts_phone = True
        voter = actions.voter_for_user(user, self.city_pool)
        self.assertEqual(voter.key, actions.phone_voter_key("+996700123456"))
        self.assertNotEqual(voter.key, voter_key_for_pin(make_pin()))

    def test_it_refuses_the_duplicate_through_the_database_constraint_too(self):
        self.cast()
        # Simulate a writer that missed the check: the unique index still refuses.
        from django.db import IntegrityError, transaction

        with self.assertRaises(IntegrityError), transaction.atomic():
            Ballot.objects.create(pool=self.city_pool, voter_key=self.voter.key, projects=[1],
                                  channel="paper", seq=99, salt="x", receipt="y" * 64,
                                  public_id="abc")

    def test_it_verifies_the_published_chain_and_detects_a_removed_ballot(self):
        for _i in range(3):
            self.cast(voter=actions.voter_for_user(make_resident(district=self.district),
                                                   self.city_pool))
        rows = [{"previous": b.previous_receipt, "receipt": b.receipt,
                 "content": b.content(b.projects), "salt": b.salt}
                for b in Ballot.objects.order_by("seq")]
        self.assertTrue(actions.verify_chain(rows))
        self.assertFalse(actions.verify_chain(rows[:1] + rows[2:]))


class BallotPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        (self.cycle, self.city_pool, self.local_pool, self.city_projects,
         self.local_projects) = make_voting_cycle(self.district)
        self.url = reverse("budgeting:ballot", args=[self.cycle.slug, self.city_pool.pk])

    def test_it_shows_the_ballot_with_costs_and_budget(self):
        self.client.force_login(self.resident)
        response = self.client.get(self.url)
        self.assertContains(response, self.city_projects[0].title)
        self.assertContains(response, 'data-cost="600000"')
        self.assertContains(response, 'id="ballot-data"')

    def test_it_accepts_a_ballot_and_shows_the_receipt(self):
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        self.assertRedirects(response, self.url)
        ballot = Ballot.objects.get()
        page = self.client.get(self.url)
        self.assertContains(page, ballot.receipt)
        self.assertNotContains(page, 'id="ballot-form"')

    def test_it_refuses_an_over_budget_ballot_posted_straight_to_the_endpoint(self):
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"projects": [p.pk for p in self.city_projects]})
        self.assertEqual(response.status_code, 400)
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

    def test_it_refuses_an_unverified_user_with_a_403(self):
        self.client.force_login(self.outsider)
        response = self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        self.assertEqual(response.status_code, 403)

    def test_it_sends_anonymous_voters_to_log_in(self):
        response = self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])

    def test_it_refuses_a_second_ballot_on_the_page(self):
        self.client.force_login(self.resident)
        self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        response = self.client.post(self.url, {"projects": [self.city_projects[2].pk]})
        self.assertContains(response, "already been cast", status_code=400)

    def test_it_never_shows_vote_counts_before_publication(self):
        self.client.force_login(self.resident)
        self.client.post(self.url, {"projects": [self.city_projects[1].pk]})
        args = [self.cycle.slug, self.city_pool.pk]
        for name in ("results", "results-pb", "results-csv", "results-json", "receipts"):
            self.assertEqual(self.client.get(reverse(f"budgeting:{name}", args=args))
                             .status_code, 404, name)
        api = self.client.get("/api/v1/budgeting/cycles").json()
        pool = next(p for c in api for p in c["pools"] if p["id"] == self.city_pool.pk)
        self.assertIsNone(pool["results"])
        self.assertNotIn("votes", str(pool["projects"]))


class ReceiptPublicationTests(BaseTestCase):
    def test_it_publishes_the_receipt_chain_only_with_the_results(self):
        cycle, city, *_rest = make_voting_cycle(self.district)
        url = reverse("budgeting:receipts", args=[cycle.slug, city.pk])
        for phase in (Phase.VOTING, Phase.COUNTING):
            cycle.phase = phase
            cycle.save()
            self.assertEqual(self.client.get(url).status_code, 404, phase)
        cycle.phase = Phase.RESULTS
        cycle.save()
        self.assertEqual(self.client.get(url).status_code, 200)


class PaperBallotPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        (self.cycle, self.city_pool, _l, self.projects, _lp) = make_voting_cycle(self.district)
        self.url = reverse("budgeting:paper", args=[self.cycle.slug, self.city_pool.pk])

    def test_it_lets_department_staff_and_city_admins_only(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)
        for user, status in ((self.outsider, 403), (self.resident, 403), (self.moderator, 403),
                             (self.official, 200), (self.admin, 200)):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, status, user)

    def test_it_enters_a_paper_ballot_and_refuses_the_same_pin_twice(self):
        self.client.force_login(self.official)
        pin = make_pin()
        data = {"pin": pin, "projects": [self.projects[1].pk]}
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        self.assertEqual(Ballot.objects.get().channel, "paper")
        response = self.client.post(self.url, data)
        self.assertContains(response, "already been cast", status_code=400)
        self.assertEqual(BallotRefusal.objects.get().entered_by, self.official)

    def test_it_refuses_a_malformed_pin(self):
        self.client.force_login(self.official)
        response = self.client.post(self.url, {"pin": "123", "projects": [self.projects[1].pk]})
        self.assertContains(response, "14 digits", status_code=400)

    def test_it_refuses_get_of_wrong_pool_and_wrong_method(self):
        self.client.force_login(self.admin)
        bad = reverse("budgeting:paper", args=[self.cycle.slug, 99999])
        self.assertEqual(self.client.get(bad).status_code, 404)
        self.assertEqual(self.client.put(self.url).status_code, 405)


class StaffWithoutTotpTests(BaseTestCase):
    def test_it_sends_staff_without_two_factor_to_set_it_up(self):
        cycle, pool, *_rest = make_voting_cycle(self.district)
        user = make_staff(Role.DEPARTMENT_STAFF, department=self.department, totp=False)
        self.client.force_login(user)
        response = self.client.get(reverse("budgeting:paper", args=[cycle.slug, pool.pk]))
        self.assertEqual(response.status_code, 302)
        make_project(pool)


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
        self.assertEqual(response.status_code, 302)
        # Nothing ties the voter (the request's user) to the ballot or its receipt.
        self.assertEqual(LogEntry.objects.count(), logged)
        # session; user with whether they hold a role and their verification; then the chain
        # link: one statement on PostgreSQL, lock-insert-update elsewhere. The pool and its
        # project costs come from the process's copy of the frozen ballot (read by the GET).
        statements = [q["sql"] for q in queries.captured_queries
                      if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN"))]
        self.assertLessEqual(len(statements), 3 if connection.vendor == "postgresql" else 5,
                             "\n".join(statements))
