from __future__ import annotations

from decimal import Decimal

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from shaar.grants import actions, selectors
from shaar.grants.models import (
    Application,
    Award,
    Call,
    CommitteeMember,
    Decision,
    Membership,
)
from shaar.testing import make_resident, make_user

from .factories import GrantsTestCase, make_application, make_call, make_profile, score, seat


class EvaluationTestCase(GrantsTestCase):
    """A closed call, weights 2/1/1 on a 0–10 scale, three submitted applications."""

    def setUp(self) -> None:
        super().setUp()
        self.call = make_call(open_now=False, envelope=250_000, max_per_grant=150_000)
        self.chair = make_user("chair")
        self.eva = make_user("eva")
        seat(self.call, self.chair, CommitteeMember.Role.CHAIR)
        seat(self.call, self.eva)
        self.apps = {}
        for key in "ABC":
            applicant = make_resident(f"applicant{key}", district=self.district)
            profile = make_profile(applicant, name=f"Org {key}")
            self.apps[key] = make_application(self.call, profile, applicant,
                                              requested=100_000, cofunding=20_000,
                                              status=Application.Status.SUBMITTED,
                                              district=self.district, title=f"Project {key}")

    def score_all(self) -> None:
        # Hand computation, weighted mean = (2·s1 + s2 + s3) / 4:
        # A: chair (8,6,4) → 26/4 = 6.50; eva (4,6,8) → 22/4 = 5.50; mean 6.00, spread 1.00
        # B: chair (10,10,10) → 10.00; eva (3,5,1) → 12/4 = 3.00; mean 6.50, spread 7.00
        # C: chair (7,7,8) → 29/4 = 7.25; eva (6,8,9) → 29/4 = 7.25; mean 7.25, spread 0
        score(self.apps["A"], self.chair, [8, 6, 4])
        score(self.apps["A"], self.eva, [4, 6, 8])
        score(self.apps["B"], self.chair, [10, 10, 10])
        score(self.apps["B"], self.eva, [3, 5, 1])
        score(self.apps["C"], self.chair, [7, 7, 8])
        score(self.apps["C"], self.eva, [6, 8, 9])


class AggregationTests(EvaluationTestCase):
    def test_it_ranks_by_the_mean_weighted_score(self) -> None:
        self.score_all()
        rows = selectors.call_results(self.call)
        self.assertEqual([(r.application.title, r.score, r.spread, r.flagged) for r in rows], [
            ("Project C", Decimal("7.25"), Decimal("0.00"), False),
            ("Project B", Decimal("6.50"), Decimal("7.00"), True),
            ("Project A", Decimal("6.00"), Decimal("1.00"), False),
        ])

    def test_it_keeps_a_running_total_against_the_envelope(self) -> None:
        self.score_all()
        rows = selectors.call_results(self.call)
        self.assertEqual([(r.rank, r.recommended, r.running_total) for r in rows],
                         [(1, True, 100_000), (2, True, 200_000), (3, False, 200_000)])

    def test_it_skips_a_request_that_does_not_fit_and_tries_the_next(self) -> None:
        self.score_all()
        applicant = make_resident("small", district=self.district)
        small = make_application(self.call, make_profile(applicant), applicant,
                                 requested=40_000, cofunding=5_000,
                                 status=Application.Status.SUBMITTED, title="Project D")
        # Three evaluators: (2·7)/4 = 3.50, (1)/4 = 0.25, (2+1+1)/4 = 1.00 → 4.75/3 = 1.5833
        third = make_user("third")
        seat(self.call, third)
        score(small, self.chair, [7, 0, 0])
        score(small, self.eva, [0, 0, 1])
        score(small, third, [1, 1, 1])
        rows = selectors.call_results(self.call)
        last = rows[-1]
        self.assertEqual((last.application.title, last.score, last.spread),
                         ("Project D", Decimal("1.58"), Decimal("3.25")))
        self.assertTrue(last.flagged)
        self.assertTrue(last.recommended)
        self.assertEqual(last.running_total, 240_000)

    def test_it_ignores_unsubmitted_evaluations(self) -> None:
        actions.conflict_declare(application=self.apps["A"], user=self.eva, has_conflict=False)
        criteria = list(self.call.criteria.all())
        actions.evaluation_save(application=self.apps["A"], user=self.eva,
                                scores={c.id: (10, "x") for c in criteria})
        score(self.apps["A"], self.chair, [2, 2, 2])
        row = next(r for r in selectors.call_results(self.call)
                   if r.application == self.apps["A"])
        self.assertEqual(row.score, Decimal("2.00"))


class ScoringRulesTests(EvaluationTestCase):
    def test_it_requires_a_declaration_before_scoring(self) -> None:
        criteria = list(self.call.criteria.all())
        with self.assertRaisesMessage(ValidationError, "Declare your conflicts"):
            actions.evaluation_save(application=self.apps["A"], user=self.eva,
                                    scores={c.id: (5, "ok") for c in criteria}, submit=True)

    def test_it_requires_every_criterion_with_a_comment_to_submit(self) -> None:
        actions.conflict_declare(application=self.apps["A"], user=self.eva, has_conflict=False)
        first, second, _third = self.call.criteria.all()
        with self.assertRaises(ValidationError) as ctx:
            actions.evaluation_save(application=self.apps["A"], user=self.eva,
                                    scores={first.id: (5, "fine"), second.id: (5, "")},
                                    submit=True)
        self.assertEqual(ctx.exception.messages, [
            "criterion 1: explain your score in a comment.", "criterion 2: give a score."])

    def test_it_refuses_scores_off_the_scale_and_changes_after_submission(self) -> None:
        actions.conflict_declare(application=self.apps["A"], user=self.eva, has_conflict=False)
        criteria = list(self.call.criteria.all())
        with self.assertRaisesMessage(ValidationError, "between 0 and 10"):
            actions.evaluation_save(application=self.apps["A"], user=self.eva,
                                    scores={criteria[0].id: (11, "too much")})
        actions.evaluation_save(application=self.apps["A"], user=self.eva,
                                scores={c.id: (5, "ok") for c in criteria}, submit=True)
        with self.assertRaisesMessage(ValidationError, "already submitted"):
            actions.evaluation_save(application=self.apps["A"], user=self.eva,
                                    scores={c.id: (9, "ok") for c in criteria}, submit=True)

    def test_it_refuses_evaluation_while_the_call_is_open(self) -> None:
        open_call = make_call()
        seat(open_call, self.eva)
        applicant = make_resident("early", district=self.district)
        application = make_application(open_call, make_profile(applicant), applicant,
                                       status=Application.Status.SUBMITTED)
        with self.assertRaisesMessage(ValidationError, "when the call closes"):
            actions.conflict_declare(application=application, user=self.eva,
                                     has_conflict=False)


class ConflictTests(EvaluationTestCase):
    def test_it_blocks_an_evaluator_who_declared_a_conflict(self) -> None:
        actions.conflict_declare(application=self.apps["A"], user=self.eva, has_conflict=True,
                                 note="My cousin runs it")
        criteria = list(self.call.criteria.all())
        with self.assertRaisesMessage(ValidationError, "declared a conflict"):
            actions.evaluation_save(application=self.apps["A"], user=self.eva,
                                    scores={c.id: (5, "ok") for c in criteria})
        self.client.force_login(self.eva)
        response = self.client.get(reverse("grants:evaluate", args=[self.apps["A"].id]))
        self.assertEqual(response.status_code, 403)
        self.assertNotContains(response, self.apps["A"].summary, status_code=403)
        with self.assertRaises(ValidationError):
            actions.conflict_declare(application=self.apps["A"], user=self.eva,
                                     has_conflict=False)

    def test_it_blocks_a_member_of_the_applicant_organisation(self) -> None:
        Membership.objects.create(profile=self.apps["B"].profile, user=self.eva,
                                  is_representative=False)
        self.client.force_login(self.eva)
        response = self.client.get(reverse("grants:evaluate", args=[self.apps["B"].id]))
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "member of the applicant organisation", status_code=403)
        self.assertNotContains(response, "No playground", status_code=403)
        attachment_url = reverse("grants:attachment", args=[self.apps["B"].id, 1])
        self.assertEqual(self.client.get(attachment_url).status_code, 403)
        with self.assertRaisesMessage(ValidationError, "member of the applicant"):
            actions.evaluation_save(application=self.apps["B"], user=self.eva, scores={})

    def test_it_shows_only_title_and_organisation_before_the_declaration(self) -> None:
        self.client.force_login(self.eva)
        url = reverse("grants:evaluate", args=[self.apps["A"].id])
        response = self.client.get(url)
        self.assertContains(response, "Project A")
        self.assertNotContains(response, "No playground")
        response = self.client.post(url, {"has_conflict": "no"})
        self.assertEqual(response.status_code, 302)
        self.assertContains(self.client.get(url), "No playground")


class HiddenScoresTests(EvaluationTestCase):
    def test_it_hides_other_scores_until_own_submission(self) -> None:
        evaluation = score(self.apps["A"], self.chair, [8, 6, 4])
        evaluation.scores.update(comment="SECRET-CHAIR-COMMENT")
        self.client.force_login(self.eva)
        url = reverse("grants:evaluate", args=[self.apps["A"].id])
        self.client.post(url, {"has_conflict": "no"})
        self.assertNotContains(self.client.get(url), "SECRET-CHAIR-COMMENT")
        criteria = list(self.call.criteria.all())
        data = {"op": "save", "comment": ""}
        for c in criteria:
            data[f"score_{c.id}"] = "5"
            data[f"comment_{c.id}"] = "fine"
        self.client.post(url, data)
        self.assertNotContains(self.client.get(url), "SECRET-CHAIR-COMMENT")
        data["op"] = "submit"
        self.assertEqual(self.client.post(url, data).status_code, 302)
        response = self.client.get(url)
        self.assertContains(response, "SECRET-CHAIR-COMMENT")
        # (26/4 + 20/4) / 2 = 5.75; spread 6.50 − 5.00 = 1.50
        self.assertContains(response, "Mean weighted score 5.75; spread 1.50.")

    def test_it_locks_the_ranking_until_own_scoring_is_done(self) -> None:
        score(self.apps["A"], self.chair, [8, 6, 4])
        self.client.force_login(self.eva)
        url = reverse("grants:ranking", args=[self.call.code])
        self.assertEqual(self.client.get(url).status_code, 403)
        for key in "ABC":
            score(self.apps[key], self.eva, [5, 5, 5])
        self.assertEqual(self.client.get(url).status_code, 200)


class EvaluatorPermissionTests(EvaluationTestCase):
    def test_it_keeps_non_members_out_of_the_committee_pages(self) -> None:
        other_call = make_call(open_now=False)
        stranger = make_user("stranger")
        seat(other_call, stranger)
        for user in (self.outsider, stranger, self.resident):
            self.client.force_login(user)
            for url in (reverse("grants:committee-call", args=[self.call.code]),
                        reverse("grants:evaluate", args=[self.apps["A"].id]),
                        reverse("grants:ranking", args=[self.call.code])):
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
        with self.assertRaisesMessage(ValidationError, "not on this call's committee"):
            actions.conflict_declare(application=self.apps["A"], user=stranger,
                                     has_conflict=False)

    def test_it_lets_only_the_chair_decide(self) -> None:
        self.score_all()
        with self.assertRaisesMessage(ValidationError, "Only the committee chair"):
            actions.decision_record(application=self.apps["C"], user=self.eva, awarded=True,
                                    amount=100_000)
        self.client.force_login(self.eva)
        response = self.client.post(reverse("grants:ranking", args=[self.call.code]),
                                    {"application": self.apps["C"].id, "awarded": "yes",
                                     "amount": "100000"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Decision.objects.exists())


class DecisionTests(EvaluationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.score_all()

    def decide(self, key: str, awarded: bool, amount: int = 0, **kw) -> Decision:
        return actions.decision_record(application=self.apps[key], user=self.chair,
                                       awarded=awarded, amount=amount, **kw)

    def test_it_needs_a_reason_to_depart_from_the_ranking(self) -> None:
        with self.assertRaisesMessage(ValidationError, "departs from the ranking"):
            self.decide("B", False)
        decision = self.decide("B", False, reason="Spread of 7 points; site not secured")
        self.assertFalse(decision.follows_ranking)
        self.assertTrue(self.decide("C", True, 100_000).follows_ranking)

    def test_it_never_exceeds_the_envelope_without_a_recorded_override(self) -> None:
        self.decide("C", True, 100_000)
        self.decide("B", True, 100_000)
        with self.assertRaisesMessage(ValidationError, "above the envelope"):
            self.decide("A", True, 100_000, reason="Strong local support")
        with self.assertRaisesMessage(ValidationError, "above the envelope"):
            self.decide("A", True, 100_000, reason="Strong local support",
                        envelope_override=True)
        self.assertEqual(selectors.awarded_total(self.call), 200_000)
        decision = self.decide("A", True, 100_000, reason="Strong local support",
                               envelope_override=True,
                               override_reason="Council added 50 000 som on 3 March")
        self.assertTrue(decision.envelope_override)
        self.assertEqual(selectors.awarded_total(self.call), 300_000)
        from auditlog.models import LogEntry

        self.assertTrue(LogEntry.objects.get_for_object(decision).exists())

    def test_it_allows_a_reduced_amount_within_the_envelope(self) -> None:
        self.decide("C", True, 100_000)
        self.decide("B", True, 100_000)
        decision = self.decide("A", True, 50_000, reason="Reduced to fit the envelope")
        self.assertFalse(decision.envelope_override)
        with self.assertRaisesMessage(ValidationError, "more than the requested"):
            self.decide("C", True, 100_001)

    def test_it_publishes_decisions_with_awards_and_notifications(self) -> None:
        self.decide("C", True, 100_000)
        with self.assertRaisesMessage(ValidationError, "2 left"):
            actions.call_publish_decisions(call=self.call, user=self.chair)
        self.decide("B", True, 100_000)
        self.decide("A", False)
        with self.captureOnCommitCallbacks(execute=True):
            awards = actions.call_publish_decisions(call=self.call, user=self.chair)
        self.assertEqual(len(awards), 2)
        self.call.refresh_from_db()
        self.assertEqual(self.call.status, Call.Status.DECIDED)
        self.assertEqual(Award.objects.count(), 2)
        self.assertEqual(Application.objects.get(id=self.apps["A"].id).status,
                         Application.Status.NOT_AWARDED)
        self.assertEqual(len(mail.outbox), 3)
        with self.assertRaises(ValidationError):
            self.decide("A", True, 1)
