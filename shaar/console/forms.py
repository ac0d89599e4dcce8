"""Console forms: they parse input; the owning apps' actions make every change."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from shaar.accounts.models import Role
from shaar.actionplan.models import BoardMember
from shaar.budgeting.models import Cycle, Pool
from shaar.city.models import Department, District, Organisation
from shaar.grants.models import Call, CommitteeMember, Criterion
from shaar.lib.forms import date_inputs, textarea_per_language
from shaar.lib.uploadlimits import max_bytes, max_mb
from shaar.providers import forms as providers_forms
from shaar.providers.models import ProviderProfile

DATE = {"type": "date"}
DATETIME = {"type": "datetime-local"}


class ConfirmForm(forms.Form):
    """The confirmation step of a change that touches what residents already did."""

    reason = forms.CharField(label=_("Reason for the change (recorded in the audit trail)"),
                             max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("I have read what this change affects and confirm it"),
                                 required=False)


class CycleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["slug", "name_ky", "name_ru", "name_en", "description_ky", "description_ru",
                  "description_en", "is_public", "proposals_open", "review_starts",
                  "voting_opens", "voting_closes", "results_date", "allow_ballot_change"]
        widgets = {
            **date_inputs("proposals_open", "review_starts", "results_date"),
            "voting_opens": forms.DateTimeInput(attrs=DATETIME),
            "voting_closes": forms.DateTimeInput(attrs=DATETIME),
            **textarea_per_language("description"),
        }


class PoolForm(forms.ModelForm):
    # Minimum support and the tie rule belong to the pool once the counting changes that
    # add them land (issue 20); they get form fields here then.
    class Meta:
        model = Pool
        fields = ["district", "name_ky", "name_ru", "name_en", "budget", "ballot_form",
                  "max_projects", "rule", "accepts_phone", "accepts_register",
                  "accepts_in_person"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        district_field = cast("forms.ModelChoiceField[Any]", self.fields["district"])
        district_field.queryset = District.objects.order_by("code")


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = ["code", "title_ky", "title_ru", "title_en", "description_ky",
                  "description_ru", "description_en", "envelope", "max_per_grant",
                  "allow_ngos", "allow_community_groups", "min_group_residents",
                  "districts", "opens_at", "closes_at", "cofunding_min_percent",
                  "scale_max", "spread_threshold"]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs=DATETIME),
            "closes_at": forms.DateTimeInput(attrs=DATETIME),
            "districts": forms.CheckboxSelectMultiple,
            **textarea_per_language("description"),
        }


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name_ky", "name_ru", "name_en", "weight", "order"]
        labels = {"order": capfirst(_("order"))}  # the model field has no translated name


class SeatForm(forms.Form):
    account = forms.CharField(label=_("E-mail or mobile number of the member's account"),
                              max_length=200)
    role = forms.ChoiceField(label=_("Seat"), choices=CommitteeMember.Role.choices)
    side = forms.ChoiceField(label=_("From"), choices=CommitteeMember.Side.choices)


class RoleForm(forms.Form):
    account = forms.CharField(label=_("E-mail or mobile number of the account"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = forms.ModelChoiceField(label=_("Department"), required=False,
                                        queryset=Department.objects.order_by("code"))
    organisation = forms.ModelChoiceField(label=_("Service provider or organisation"),
                                          required=False,
                                          queryset=Organisation.objects.order_by("code"))
    district = forms.ModelChoiceField(label=_("District"), required=False,
                                      queryset=District.objects.order_by("code"))


class RoleFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", _("all roles")), *Role.choices])

    def __init__(self, *args, **kwargs) -> None:
        # It shares the page with the assignment form, whose `role` field is "id_role".
        kwargs.setdefault("auto_id", "id_filter_%s")
        super().__init__(*args, **kwargs)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes("imports"):
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.")
                                        % {"mb": max_mb("imports")})
        return upload


class BudgetImportForm(ImportForm):
    year = forms.IntegerField(label=_("Fiscal year"), min_value=1991, max_value=2200,
                              initial=lambda: datetime.date.today().year)


class AddressImportForm(ImportForm):
    file = forms.FileField(label=_("File (CSV or GeoJSON)"))
    replace = forms.BooleanField(
        label=_("Replace the whole register (else addresses are updated and added)"),
        required=False)


class DistrictImportForm(ImportForm):
    file = forms.FileField(label=_("File (GeoJSON)"))
    approximate = forms.BooleanField(
        label=_("The boundaries are approximate (not survey data)"), required=False)
    allow_overlaps = forms.BooleanField(
        label=_("Import even where districts overlap (a point in an overlap goes to the "
                "first district by code)"), required=False)


class BoardMemberForm(forms.ModelForm):
    account = forms.CharField(
        label=_("E-mail or mobile number of the member's account (optional)"),
        max_length=200, required=False,
        help_text=_("Links the seat to a Shaar account; leave empty to keep it as it is."))

    class Meta:
        model = BoardMember
        fields = ["name", "sector", "position", "organisation_ky", "organisation_ru",
                  "organisation_en", "term_start", "term_end", "email", "phone", "language"]
        widgets = date_inputs("term_start", "term_end")

    def validate_constraints(self) -> None:
        """The action checks the term's dates, with a message that says what is wrong."""


class EndTermForm(forms.Form):
    on = forms.DateField(label=_("Last day of the term"), required=False,
                         widget=forms.DateInput(attrs=DATE),
                         help_text=_("Leave empty for today."))


class ServiceLevelForm(providers_forms.ServiceLevelForm):
    """The providers' own form, with the provider to choose: the console sets the levels of
    every provider on one page."""

    provider = forms.ModelChoiceField(label=_("Service provider"),
                                      queryset=ProviderProfile.objects.none())
    field_order = ["provider"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        provider_field = cast("forms.ModelChoiceField[Any]", self.fields["provider"])
        provider_field.queryset = ProviderProfile.objects.select_related(
            "organisation").order_by("organisation__code")


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=_("Person (e-mail, mobile number or name)"),
                             required=False, max_length=200)
    object_type = forms.ChoiceField(label=_("Kind of object"), required=False)
    object_id = forms.CharField(label=_("Object number"), required=False, max_length=40)
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs=DATE))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, object_types: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        object_type_field = cast(forms.ChoiceField, self.fields["object_type"])
        object_type_field.choices = [("", _("all kinds")), *object_types]
