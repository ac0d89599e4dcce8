"""Who may open the OpenID Connect sign-in pages (see shaar/web/tests/test_url_matrix.py).

allauth's social-account pages are steps of a flow: without a pending sign-in, or with
no provider configured (as here), they redirect or answer 404, for anyone; never a 5xx.
"""

from __future__ import annotations

from shaar.web.tests.test_url_matrix import flow

_STEP = flow("allauth social sign-in step: no provider is configured in the tests")

EXPECTED = {name: _STEP for name in (
    "socialaccount_login_cancelled", "socialaccount_login_error", "socialaccount_signup",
    "socialaccount_connections", "openid_connect_login", "openid_connect_callback",
    "<lang>/accounts/social/login/cancelled/", "<lang>/accounts/social/login/error/",
    "<lang>/accounts/social/signup/", "<lang>/accounts/social/connections/")}
