from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shaar.web.ratelimits import limit_write

from . import actions
from .forms import InPersonVerificationForm, PhoneDistrictForm, RegisterMatchForm
from .models import Verification


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The resident's verification page: register match, or district for a verified phone."""
    register_form = RegisterMatchForm(prefix="register")
    phone_form = PhoneDistrictForm(prefix="phone")
    if request.method == "POST":
        limit_write(request, "accounts-verify")
        if "register-pin" in request.POST:
            register_form = RegisterMatchForm(request.POST, prefix="register")
            form, submit = register_form, lambda data: actions.verification_by_register(
                user=request.user, pin=data["pin"], birth_year=data["birth_year"])
        else:
            phone_form = PhoneDistrictForm(request.POST, prefix="phone")
            form, submit = phone_form, lambda data: actions.verification_by_phone(
                user=request.user, district=data["district"])
        if form.is_valid():
            try:
                submit(form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("You are verified as a resident."))
                return redirect("accounts:verify")
    verification = Verification.objects.filter(user=request.user).select_related(
        "district").first()
    return TemplateResponse(request, "accounts/verify.html", {
        "verification": verification, "register_form": register_form, "phone_form": phone_form,
    }, status=400 if request.method == "POST" else 200)


@login_required
@permission_required("accounts.open_district_office", raise_exception=True)
@require_http_methods(["GET", "POST"])
def verify_in_person(request):
    form = InPersonVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            verification = actions.verification_in_person(
                staff=request.user, account=data["account"].strip(), pin=data["pin"],
                district=data["district"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(user)s is now verified as a resident of %(district)s.")
                             % {"user": verification.user, "district": verification.district})
            return redirect("accounts:verify-in-person")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "accounts/verify_in_person.html", {"form": form},
                            status=status)
