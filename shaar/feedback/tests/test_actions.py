from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from shaar.accounts.models import Role
from shaar.testing import BaseTestCase, make_district, make_organisation, make_staff

from ..actions import (
    clean_answers,
    report_assign,
    report_bulk_status,
    report_change_status,
    report_moderate,
    report_note,
    report_rate,
    report_reply,
    report_reroute,
    report_support,
    route_for,
)
from ..models import Report, ReportEvent, Status
from ..selectors import find_clusters, find_recurring, nearby_open_reports
from .factories import centre, make_category, make_question, make_report, make_rule


class RoutingTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category("pothole")
        self.other_district = make_district("leninsky")
        self.org = make_organisation("tazalyk")

    def test_it_prefers_the_district_rule_over_the_citywide_rule(self):
        make_rule(self.category, department=self.department)
        make_rule(self.category, district=self.other_district, organisation=self.org)
        self.assertEqual(route_for(category=self.category, district=self.other_district),
                         (None, self.org))
        self.assertEqual(route_for(category=self.category, district=self.district),
                         (self.department, None))

    def test_it_sends_unrouted_reports_to_city_triage(self):
        report = make_report(self.category, self.district)
        self.assertIsNone(report.department)
        self.assertIsNone(report.organisation)
        self.assertEqual(report.district, self.district)

    def test_it_finds_the_district_from_the_point_and_routes_there(self):
        make_rule(self.category, district=self.other_district, organisation=self.org)
        report = make_report(self.category, self.other_district)
        self.assertEqual(report.district, self.other_district)
        self.assertEqual(report.organisation, self.org)

    def test_it_routes_a_point_outside_every_district_to_the_citywide_rule(self):
        make_rule(self.category, department=self.department)
        report = make_report(self.category, self.district, lat=10.0, lon=10.0)
        self.assertIsNone(report.district)
        self.assertEqual(report.department, self.department)

    def test_it_refuses_out_of_range_coordinates(self):
        with self.assertRaises(ValidationError):
            make_report(self.category, self.district, lat=95.0)

    def test_it_sets_due_dates_from_the_service_level(self):
        category = make_category(ack=4, resolve=48)
        report = make_report(category, self.district)
        assert report.acknowledge_due_at is not None and report.resolve_due_at is not None
        self.assertEqual(report.acknowledge_due_at - report.created_at, timedelta(hours=4))
        self.assertEqual(report.resolve_due_at - report.created_at, timedelta(hours=48))


class AnswerTests(BaseTestCase):
    def test_it_checks_each_datatype(self):
        c = make_category()
        make_question(c, "size", "singlevaluelist", required=True, values=["s", "l"])
        make_question(c, "kinds", "multivaluelist", values=["a", "b"])
        make_question(c, "n", "number")
        make_question(c, "when", "datetime")
        ok = clean_answers(category=c, raw={"size": "s", "kinds": ["a", "b"], "n": "3,5",
                                            "when": "2026-01-02T10:00:00+06:00"})
        self.assertEqual(ok["size"], "s")
        self.assertEqual(ok["kinds"], ["a", "b"])
        self.assertEqual(ok["n"], "3.5")
        for bad in ({"size": "x"}, {}, {"size": "s", "n": "many"},
                    {"size": "s", "kinds": ["z"]}, {"size": "s", "when": "yesterday"}):
            with self.assertRaises(ValidationError, msg=bad):
                clean_answers(category=c, raw=bad)


class StatusMachineTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category()
        make_rule(self.category, department=self.department)
        self.report = make_report(self.category, self.district)

    def test_it_walks_the_happy_path_and_records_each_change(self):
        for status in (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED):
            report_change_status(report=self.report, actor=self.official, status=status,
                                 note="Fixed.")
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Status.RESOLVED)
        self.assertIsNotNone(self.report.acknowledged_at)
        self.assertIsNotNone(self.report.resolved_at)
        events = list(self.report.events.filter(kind=ReportEvent.Kind.STATUS)
                      .values_list("from_status", "to_status", "department_id"))
        self.assertEqual(events, [("new", "acknowledged", self.department.pk),
                                  ("acknowledged", "in_progress", self.department.pk),
                                  ("in_progress", "resolved", self.department.pk)])

    def test_it_audit_logs_status_changes(self):
        from auditlog.models import LogEntry

        report_change_status(report=self.report, actor=self.official,
                             status=Status.ACKNOWLEDGED)
        entry = LogEntry.objects.get_for_object(self.report).latest("timestamp")
        self.assertEqual(entry.changes_dict["status"], ["new", "acknowledged"])

    def test_it_refuses_illegal_transitions(self):
        report_change_status(report=self.report, actor=self.official, status=Status.IN_PROGRESS)
        with self.assertRaises(ValidationError):
            report_change_status(report=self.report, actor=self.official,
                                 status=Status.ACKNOWLEDGED)
        with self.assertRaises(ValidationError):
            report_change_status(report=self.report, actor=self.official, status="bogus")

    def test_it_requires_a_public_reason_to_reject(self):
        with self.assertRaises(ValidationError):
            report_change_status(report=self.report, actor=self.official,
                                 status=Status.REJECTED)
        report_change_status(report=self.report, actor=self.official, status=Status.REJECTED,
                             note="Private land")
        self.report.refresh_from_db()
        self.assertEqual(self.report.status_note, "Private land")

    def test_it_requires_the_original_for_a_duplicate(self):
        with self.assertRaises(ValidationError):
            report_change_status(report=self.report, actor=self.official,
                                 status=Status.DUPLICATE)
        other = make_report(self.category, self.district)
        report_change_status(report=self.report, actor=self.official, status=Status.DUPLICATE,
                             duplicate_of=other)
        self.report.refresh_from_db()
        self.assertEqual(self.report.duplicate_of, other)

    def test_it_changes_many_reports_and_lists_the_failures(self):
        other = make_report(self.category, self.district)
        report_change_status(report=other, actor=self.official, status=Status.IN_PROGRESS)
        changed, failures = report_bulk_status(reports=[self.report, other],
                                               actor=self.official,
                                               status=Status.ACKNOWLEDGED)
        self.assertEqual(changed, 1)
        self.assertEqual(len(failures), 1)

    def test_it_marks_overdue_reports(self):
        Report.objects.filter(pk=self.report.pk).update(
            acknowledge_due_at=timezone.now() - timedelta(hours=1))
        self.assertIn(self.report, Report.objects.overdue())
        report_change_status(report=self.report, actor=self.official,
                             status=Status.ACKNOWLEDGED)
        self.assertNotIn(self.report, Report.objects.overdue())

    def test_it_keeps_internal_notes_private_and_replies_public(self):
        report_note(report=self.report, actor=self.official, text="call the contractor")
        report_reply(report=self.report, actor=self.official, text="We are on it")
        kinds = dict(self.report.events.values_list("kind", "is_public"))
        self.assertFalse(kinds["note"])
        self.assertTrue(kinds["reply"])

    def test_it_only_assigns_people_who_can_work_the_report(self):
        outsider_staff = make_staff(Role.PROVIDER_STAFF, organisation=make_organisation())
        with self.assertRaises(ValidationError):
            report_assign(report=self.report, actor=self.official, assignee=outsider_staff)
        report_assign(report=self.report, actor=self.official, assignee=self.official)
        self.report.refresh_from_db()
        self.assertEqual(self.report.assignee, self.official)

    def test_it_reroutes_and_clears_the_assignee(self):
        org = make_organisation()
        report_assign(report=self.report, actor=self.official, assignee=self.official)
        report_reroute(report=self.report, actor=self.admin, organisation=org)
        self.report.refresh_from_db()
        self.assertEqual((self.report.department, self.report.organisation,
                          self.report.assignee), (None, org, None))

    def test_it_moderates_with_a_reason(self):
        with self.assertRaises(ValidationError):
            report_moderate(report=self.report, actor=self.moderator, reason="", hide=True)
        report_moderate(report=self.report, actor=self.moderator, reason="insult",
                        description="[removed]")
        self.report.refresh_from_db()
        self.assertEqual(self.report.description, "[removed]")
        self.assertTrue(self.report.events.filter(kind="moderated", text="insult",
                                                  is_public=False).exists())


class ResidentTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category()
        self.report = make_report(self.category, self.district, contact_email="r@example.org")

    def _resolve(self):
        for status in (Status.ACKNOWLEDGED, Status.RESOLVED):
            report_change_status(report=self.report, actor=self.official, status=status,
                                 note="Fixed.")

    def test_it_counts_me_too_once_per_person(self):
        self.assertTrue(report_support(report=self.report, key="session:a"))
        self.assertFalse(report_support(report=self.report, key="session:a"))
        self.assertTrue(report_support(report=self.report, key="x", user=self.resident))
        self.assertFalse(report_support(report=self.report, key="y", user=self.resident))
        self.report.refresh_from_db()
        self.assertEqual(self.report.supporter_count, 2)

    def test_it_refuses_me_too_on_closed_reports(self):
        self._resolve()
        with self.assertRaises(ValidationError):
            report_support(report=self.report, key="session:b")

    def test_it_finds_open_reports_of_the_same_category_within_50_metres(self):
        lat, lon = centre(self.district)
        near = nearby_open_reports(category=self.category, lat=lat + 0.0003, lon=lon)
        far = nearby_open_reports(category=self.category, lat=lat + 0.001, lon=lon)
        other = nearby_open_reports(category=make_category(), lat=lat, lon=lon)
        self.assertEqual(near, [self.report])
        self.assertEqual(far, [])
        self.assertEqual(other, [])

    def test_it_reopens_when_the_resident_says_not_fixed(self):
        self._resolve()
        report_rate(report=self.report, fixed=False, score=1)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Status.IN_PROGRESS)
        self.assertEqual(self.report.reopen_count, 1)
        self.assertIsNone(self.report.resolved_at)
        self.assertTrue(self.report.events.filter(kind="reopened").exists())

    def test_it_keeps_a_fixed_report_resolved_and_rates_once(self):
        self._resolve()
        report_rate(report=self.report, fixed=True, score=5)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Status.RESOLVED)
        with self.assertRaises(ValidationError):
            report_rate(report=self.report, fixed=True, score=4)

    def test_it_refuses_ratings_before_resolution_and_out_of_range(self):
        with self.assertRaises(ValidationError):
            report_rate(report=self.report, fixed=True, score=5)
        self._resolve()
        with self.assertRaises(ValidationError):
            report_rate(report=self.report, fixed=True, score=9)

    def test_it_notifies_the_reporter_without_exposing_other_data(self):
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            report_change_status(report=self.report, actor=self.official,
                                 status=Status.ACKNOWLEDGED)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["r@example.org"])
        self.assertIn(str(self.report.token), mail.outbox[0].body)

    def test_it_writes_to_the_reporter_in_their_language_with_the_citys_words(self):
        with translation.override("ru"):
            report = make_report(self.category, self.district, contact_email="ru@example.org")
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            report_change_status(report=report, actor=self.official, status=Status.RESOLVED,
                                 note="Яма заделана 5 декабря.")
            report_reply(report=report, actor=self.official, text="Спасибо за сообщение.")
        with translation.override("ru"):
            resolved = str(Status.RESOLVED.label)
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn(resolved, mail.outbox[0].body)
        self.assertIn("Яма заделана 5 декабря.", mail.outbox[0].body)
        self.assertIn("Спасибо за сообщение.", mail.outbox[1].body)
        self.assertNotIn("Your report", mail.outbox[0].body)

    def test_it_stores_a_contact_phone_in_e164_whatever_the_channel(self):
        report = make_report(self.category, self.district, contact_phone="0700 555 123")
        self.assertEqual(report.contact_phone, "+996700555123")
        with self.assertRaises(ValidationError) as ctx:
            make_report(self.category, self.district, contact_phone="0312 61 11 77")
        self.assertIn("contact_phone", ctx.exception.message_dict)

    def test_it_sends_an_sms_when_the_reporter_left_a_phone(self):
        from shaar.accounts.sms import locmem

        report = make_report(self.category, self.district, contact_phone="+996555000111")
        locmem.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            report_reply(report=report, actor=self.official, text="Crew sent")
        self.assertEqual([m["to"] for m in locmem.outbox], ["+996555000111"])
        self.assertIn(str(report.token), locmem.outbox[0]["text"])
        self.assertNotIn("Crew sent", locmem.outbox[0]["text"])


class SystemicTests(BaseTestCase):
    def test_it_finds_a_cluster_of_five_and_not_of_four(self):
        category = make_category()
        lat, lon = centre(self.district)
        for i in range(5):
            make_report(category, self.district, lat=lat + i * 0.0002, lon=lon)
        clusters = find_clusters()
        self.assertEqual([c.size for c in clusters], [5])
        Report.objects.filter(pk=Report.objects.order_by("-id")[0].pk).delete()
        self.assertEqual(find_clusters(), [])

    def test_it_finds_problems_reported_again_after_resolution(self):
        category = make_category()
        first = make_report(category, self.district)
        report_change_status(report=first, actor=None, status=Status.RESOLVED)
        again = make_report(category, self.district)
        rows = find_recurring()
        self.assertEqual([(r["report"], r["reason"]) for r in rows], [(again, "again")])
