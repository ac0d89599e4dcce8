"""Who may do what in the civic budget, object by object."""

from __future__ import annotations

import rules

from shaar.accounts.models import Role
from shaar.accounts.rules import (
    department_ids,
    has_role,
    is_city_admin,
    is_moderator,
    works_at_any_district_office,
)


@rules.predicate
def is_department_staff_for(user, obj) -> bool:
    """Staff of the department a proposal (or an implementation) is assigned to."""
    department_id = getattr(obj, "department_id", None)
    return department_id is not None and department_id in department_ids(user)


@rules.predicate
def is_any_department_staff(user) -> bool:
    return bool(department_ids(user))


@rules.predicate
def is_author(user, proposal) -> bool:
    return proposal is not None and user.is_authenticated and proposal.author_id == user.pk


is_reviewer = has_role(Role.REVIEWER)

rules.add_perm("budgeting.manage_cycle", is_city_admin)
rules.add_perm("budgeting.review_queue", is_city_admin | is_reviewer | is_any_department_staff)
rules.add_perm("budgeting.assign_proposal", is_city_admin | is_reviewer)
rules.add_perm("budgeting.review_proposal", is_city_admin | is_reviewer | is_department_staff_for)
rules.add_perm("budgeting.merge_proposal", is_city_admin | is_reviewer)
rules.add_perm("budgeting.moderate", is_moderator)
# Paper ballots: staff of a district office only (a city admin too only with that role);
# views and actions also check the office against the pool's district.
rules.add_perm("budgeting.enter_paper_ballot", works_at_any_district_office)
rules.add_perm("budgeting.update_implementation", is_city_admin | is_department_staff_for)
rules.add_perm("budgeting.edit_proposal", is_author)
