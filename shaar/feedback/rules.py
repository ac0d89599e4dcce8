"""Who may do what with reports, checked object by object."""

from __future__ import annotations

import rules

from shaar.accounts.models import Role
from shaar.accounts.rules import (
    department_ids,
    has_role,
    is_city_admin,
    is_moderator,
    organisation_ids,
)

# City triage: city administrators see every report and re-route them.
is_triage = is_city_admin


@rules.predicate
def works_on_report(user, report) -> bool:
    if report is None:
        return False
    if report.organisation_id is not None:
        return report.organisation_id in organisation_ids(user)
    if report.department_id is not None:
        return report.department_id in department_ids(user)
    return False


can_work_report = is_triage | works_on_report
is_feedback_staff = (is_triage | is_moderator | has_role(Role.DEPARTMENT_STAFF)
                     | has_role(Role.PROVIDER_STAFF))

rules.add_perm("feedback.view_inbox", is_feedback_staff)
rules.add_perm("feedback.work_report", can_work_report)
rules.add_perm("feedback.reroute_report", is_triage)
rules.add_perm("feedback.moderate_report", is_moderator)
rules.add_perm("feedback.register_appeal", is_triage | has_role(Role.DEPARTMENT_STAFF)
               | has_role(Role.PROVIDER_STAFF))
rules.add_perm("feedback.view_systemic", is_triage | is_moderator
               | has_role(Role.DEPARTMENT_STAFF))
rules.add_perm("feedback.import_appeals", is_city_admin)
rules.add_perm("feedback.manage_categories", is_city_admin)
