"""Who may do what in the citizen's budget. Reading is public; importing is for city admins."""

from __future__ import annotations

import rules

from shaar.accounts.rules import is_city_admin

# The admin shows the app to whoever passes the rule named after it.
rules.add_perm("openbudget", is_city_admin)
rules.add_perm("openbudget.import_budget", is_city_admin)
rules.add_perm("openbudget.change_adminunit", is_city_admin)
rules.add_perm("openbudget.change_fiscalyear", is_city_admin)
rules.add_perm("openbudget.view_fiscalyear", is_city_admin)
rules.add_perm("openbudget.view_budgetversion", is_city_admin)
rules.add_perm("openbudget.view_budgetline", is_city_admin)
rules.add_perm("openbudget.view_adminunit", is_city_admin)
rules.add_perm("openbudget.add_adminunit", is_city_admin)
