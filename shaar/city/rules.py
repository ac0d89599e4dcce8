"""Who may change the city's reference data."""

from __future__ import annotations

import rules

from shaar.accounts.rules import is_city_admin

rules.add_perm("city.manage", is_city_admin)
