"""Who may do what in the action plan, object by object.

- City administrators run the plan: statuses, responses to contributions, the board and
  the city's self-assessment.
- Only staff of a milestone's responsible agency post progress on it (not even city
  administrators: the agency answers for its own work).
- Only an active independent monitor of the commitment's plan edits the independent
  assessment (a per-plan membership, `PlanMonitor`, not a site-wide role).
- Any signed-in person may contribute while the plan is in public consultation.
"""

from __future__ import annotations

import rules

from shaar.accounts.rules import department_ids, is_city_admin, is_moderator


@rules.predicate
def is_responsible_staff(user, milestone) -> bool:
    if milestone is None:
        return False
    return milestone.responsible_id in department_ids(user)


@rules.predicate
def is_plan_monitor(user, commitment) -> bool:
    if commitment is None or not getattr(user, "is_authenticated", False):
        return False
    return commitment.plan.monitors.filter(user=user, active=True).exists()


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def plan_in_consultation(user, plan) -> bool:
    return plan is not None and plan.is_open_for_contributions


rules.add_perm("actionplan.manage", is_city_admin)
rules.add_perm("actionplan.respond_contribution", is_city_admin)
# Moderators (and city administrators) hide contributions that break the site's rules.
rules.add_perm("actionplan.moderate", is_moderator)
rules.add_perm("actionplan.post_progress", is_responsible_staff)
rules.add_perm("actionplan.edit_self_assessment", is_city_admin)
rules.add_perm("actionplan.edit_independent_assessment", is_plan_monitor)
rules.add_perm("actionplan.contribute", is_signed_in & plan_in_consultation)
