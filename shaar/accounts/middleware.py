from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .rules import is_staff_account
from .seats import holds_trusted_seat

# Pages a staff member without TOTP may still open: log-in, log-out and MFA set-up
# (allauth lives under /<lang>/accounts/), static files and the health check.
EXEMPT_MARKERS = ("/accounts/", "/static/", "/media/", "/healthz", "/i18n/", "/sw.js", "/tiles/",
                  "/manifest.webmanifest")


class StaffMfaRequiredMiddleware:
    """Staff accounts and holders of trusted seats (a grant committee, a plan's monitor,
    the supervisory board) must set up TOTP before they can do anything else."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not any(marker in request.path for marker in EXEMPT_MARKERS)
            and (is_staff_account(user) or holds_trusted_seat(user))
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(request, _("Accounts of staff, committee members, monitors and "
                                        "board members must use two-factor authentication. "
                                        "Set up an authenticator app to continue."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)
