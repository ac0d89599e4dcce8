from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.account.authentication import get_authentication_records
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shaar.city.models import District
from shaar.lib.forms import submit_form
from shaar.web.ratelimits import limit_write

from . import actions
from .forms import InPersonVerificationForm, PhoneDistrictForm, ProfileForm, RegisterMatchForm
from .models import Verification
from .rules import district_office_ids


def _safe_next(request) -> str:
    """Where the resident came from (a ballot, a proposal form), if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return ""


def _needed_methods(request) -> list[str]:
    """The verification methods the page the resident came from accepts (`needs=`)."""
    raw = request.POST.get("needs") or request.GET.get("needs") or ""
    known = set(Verification.Method.values)
    return [m for m in raw.split(",") if m in known]


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """One verification journey: the ways that serve the page the resident came from,
    then back to it."""
    register_form = RegisterMatchForm(prefix="register")
    phone_form = PhoneDistrictForm(prefix="phone")
    next_url, needs = _safe_next(request), _needed_methods(request)
    if request.method == "POST":
        limit_write(request, "accounts-verify")
        form: Form
        submit: Callable[[dict[str, Any]], object]
        if "register-pin" in request.POST:
            register_form = RegisterMatchForm(request.POST, prefix="register")
            form, submit = register_form, lambda data: actions.verification_by_register(
                user=request.user, pin=data["pin"], birth_year=data["birth_year"])
        else:
            phone_form = PhoneDistrictForm(request.POST, prefix="phone")
            form, submit = phone_form, lambda data: actions.verification_by_phone(
                user=request.user, district=data["district"])
        done = submit_form(request, form, lambda: submit(form.cleaned_data),
                           success=_("You are verified as a resident."),
                           redirect_to=next_url or "accounts:verify")
        if done is not None:
            return done
    verification = Verification.objects.filter(user=request.user).select_related(
        "district").first()
    return TemplateResponse(request, "accounts/verify.html", {
        "verification": verification, "register_form": register_form, "phone_form": phone_form,
        "next_url": next_url, "needs": needs,
        "offer": _methods_to_offer(verification, needs, request.user.phone_verified),
        "offices": District.objects.exclude(office_ky="", office_ru="", office_en=""),
    }, status=400 if request.method == "POST" else 200)


def _methods_to_offer(verification: Verification | None, needs: list[str],
                      phone_verified: bool) -> set[str]:
    """The ways to verify worth showing: never one already done or one that would not
    serve the page the resident came from."""
    if verification is not None and verification.voter_key:
        return set()  # verified with a personal number: nothing stronger exists
    offer: set[str] = {Verification.Method.REGISTER, Verification.Method.IN_PERSON}
    if phone_verified and verification is None:
        offer.add(Verification.Method.PHONE)
    return offer & set(needs) if needs else offer


@login_required
@permission_required("accounts.open_district_office", raise_exception=True)
@require_http_methods(["GET", "POST"])
def verify_in_person(request):
    offices = District.objects.filter(pk__in=district_office_ids(request.user))
    form = InPersonVerificationForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            verification = actions.verification_in_person(
                staff=request.user, account=data["account"], pin=data["pin"],
                office=data["office"], reason=data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError)
                           else str(exc))
        else:
            messages.success(request, _("%(user)s is now verified as a resident of %(district)s.")
                             % {"user": verification.user, "district": verification.district})
            return redirect("accounts:verify-in-person")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "accounts/verify_in_person.html", {"form": form},
                            status=status)


# How long after signing in with an SMS or e-mail code a new password may be chosen
# without the old one: the code was the proof of owning the number.
CODE_SIGN_IN_FRESH_SECONDS = 10 * 60


def _signed_in_by_code_just_now(request) -> bool:
    records = get_authentication_records(request, request.user)
    return bool(records) and records[-1]["method"] == "code" and (
        time.time() - records[-1]["at"] < CODE_SIGN_IN_FRESH_SECONDS)


@login_required
@require_http_methods(["GET", "POST"])
def password_new(request):
    """The end of a password reset by phone: signed in with an SMS code a moment ago, the
    resident chooses a new password without the forgotten one."""
    if not _signed_in_by_code_just_now(request):
        return redirect("account_change_password")
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.password_set(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your new password is saved."))
        return redirect("web:home")
    return TemplateResponse(request, "accounts/password_new.html", {"form": form},
                            status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The resident's own settings: the name others see and the language of messages."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        actions.profile_update(user=request.user, display_name=form.cleaned_data["display_name"],
                               language=form.cleaned_data["language"])
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    verification = Verification.objects.filter(user=request.user).select_related(
        "district").first()
    return TemplateResponse(request, "accounts/profile.html", {
        "form": form, "verification": verification,
    }, status=400 if request.method == "POST" else 200)
