"""Who may do what with provider scorecards."""

from __future__ import annotations

import rules

from shaar.accounts.rules import is_city_admin, organisation_ids


@rules.predicate
def is_staff_of_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.pk in organisation_ids(user)


# Drill-down to reports behind each figure: the provider's own staff and the city.
rules.add_perm("providers.view_drilldown", is_staff_of_organisation | is_city_admin)
# A public response to the month's scorecard is the provider's own word.
rules.add_perm("providers.respond", is_staff_of_organisation)
rules.add_perm("providers.set_service_levels", is_city_admin)
