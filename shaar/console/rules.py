"""Who sees which part of the console. Each section is guarded by the permission of the
app that owns what it changes; these add the console's own."""

from __future__ import annotations

import rules

from shaar.accounts.rules import is_city_admin, is_staff_account

rules.add_perm("console.open", is_staff_account)
rules.add_perm("console.view_audit", is_city_admin)
rules.add_perm("console.manage_roles", is_city_admin)
