from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shaar.accounts.models import normalise_pin
from shaar.city.models import Department
from shaar.lib import uploadlimits
from shaar.lib.forms import MultipleFileField
from shaar.lib.ids import MAX_ID
from shaar.lib.uploads import too_big

from .models import Category, Implementation, Pool, ProjectUpdate


class AttachmentsField(MultipleFileField):
    """At most five files, each within the budgeting upload limit."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > 5:
            raise ValidationError(_("Attach at most 5 files."))
        cleaned = super().clean(files, initial)
        for f in cleaned:
            if f and f.size > uploadlimits.max_bytes("budgeting"):
                raise too_big(uploadlimits.max_bytes("budgeting"))
        return cleaned


class ImagesField(AttachmentsField):
    def clean(self, data, initial=None):
        files = super().clean(data, initial)
        for f in files:
            forms.ImageField().clean(f)
        return files


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, max_length=5000)
    pool = forms.ModelChoiceField(label=_("District or city-wide"), queryset=Pool.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    estimated_cost = forms.IntegerField(label=_("Estimated cost (som)"), min_value=1,
                                        max_value=10_000_000_000)
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90,
                                max_value=90)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180,
                                 max_value=180)
    photos = ImagesField(label=_("Photos"), required=False)
    attachments = AttachmentsField(label=_("Attachments"), required=False)

    def __init__(self, *args, cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pool_field = cast("forms.ModelChoiceField[Any]", self.fields["pool"])
        pool_field.queryset = cycle.pools.select_related("district")


class ReviewForm(forms.Form):
    legal_ok = forms.BooleanField(label=_("Legal"), required=False)
    technical_ok = forms.BooleanField(label=_("Technically feasible"), required=False)
    competence_ok = forms.BooleanField(label=_("Within city competence"), required=False)
    cost = forms.IntegerField(label=_("Revised cost (som)"), required=False, min_value=1)
    cost_breakdown = forms.CharField(label=_("Cost breakdown"), required=False,
                                     widget=forms.Textarea)
    reason = forms.CharField(label=_("Public reason"), required=False, widget=forms.Textarea)


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Number of the proposal to merge into"), min_value=1,
                              max_value=MAX_ID)
    reason = forms.CharField(label=_("Public reason"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        # It shares the review page with the review form, whose `reason` is "id_reason".
        kwargs.setdefault("auto_id", "id_merge_%s")
        super().__init__(*args, **kwargs)


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Public reason"), max_length=300)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea, max_length=2000)


class OfficeForm(forms.Form):
    """The district office a member of staff acts for: one of theirs, and for a district
    pool only that district's office."""

    office = forms.TypedChoiceField(label=_("District office"), coerce=int)

    def __init__(self, *args, offices: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["office"]).choices = [(d.pk, d.name) for d in offices]


class CheckInForm(OfficeForm):
    pin = forms.CharField(label=_("Personal number (PIN) from the resident's ID"),
                          max_length=20)

    def clean_pin(self) -> str:
        return normalise_pin(self.cleaned_data["pin"])


class PaperEntryForm(OfficeForm):
    sheet = forms.IntegerField(label=_("Sheet number"), min_value=1, max_value=10_000_000)


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("Receipt"), max_length=40)


class ChangeForm(forms.Form):
    change_code = forms.CharField(label=_("Change code"), max_length=40, required=False)


class ImplementationForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Implementation.Status.choices)
    percent_complete = forms.IntegerField(label=_("Percent complete"), min_value=0,
                                          max_value=100)
    contracted = forms.IntegerField(label=_("Money contracted (som)"), min_value=0)
    spent = forms.IntegerField(label=_("Money spent (som)"), min_value=0)
    contractor = forms.CharField(label=_("Contractor"), required=False, max_length=200)
    procurement_ref = forms.CharField(label=_("Procurement reference"), required=False,
                                      max_length=100)
    kind = forms.ChoiceField(label=_("Kind of update"), choices=ProjectUpdate.Kind.choices)
    text = forms.CharField(label=_("Public update"), required=False, widget=forms.Textarea)
    photo = forms.ImageField(label=_("Photo"), required=False)
