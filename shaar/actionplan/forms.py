"""HTML forms: they parse input; the actions decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shaar.lib import uploadlimits
from shaar.lib.forms import MultipleFileField, date_inputs, textarea_per_language
from shaar.lib.ids import IdField

from .models import (
    ActionPlan,
    Assessment,
    BoardMember,
    Commitment,
    Completion,
    Contribution,
    Milestone,
)

# What the picker offers for evidence (uploads.clean checks what really arrives).
DOCUMENT_TYPES = ".jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx,.pptx,.odt,.ods"


class ContributionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    text = forms.CharField(label=_("Your comment or idea"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    organisation = forms.CharField(
        label=_("On behalf of an organisation (optional)"), max_length=200, required=False)


class ResponseForm(forms.Form):
    response = forms.ChoiceField(label=_("Response"), choices=Contribution.Response.choices,
                                 widget=forms.RadioSelect)
    response_text = forms.CharField(label=_("Reasons, published with the response"),
                                    max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    merged_into = forms.ModelChoiceField(label=_("Merged into commitment"), required=False,
                                         queryset=Commitment.objects.none())

    def __init__(self, *args, plan: ActionPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        merged_into_field = cast("forms.ModelChoiceField[Any]", self.fields["merged_into"])
        merged_into_field.queryset = plan.commitments.order_by("order", "code")


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding (published)"), max_length=300)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Move the plan to"),
                                  choices=ActionPlan.Status.choices)
    note = forms.CharField(label=_("Note (public)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    confirm = forms.BooleanField(
        label=_("I have read what this change affects and confirm it"), required=False)

    def __init__(self, *args, plan: ActionPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = plan.allowed_transitions()
        # Forward moves first, so the list never defaults to sending the plan back.
        choices = sorted(
            ((value, label) for value, label in ActionPlan.Status.choices if value in allowed),
            key=lambda choice: plan.is_backward(choice[0]))
        cast(forms.ChoiceField, self.fields["to_status"]).choices = choices
        if choices:
            self.fields["to_status"].initial = choices[0][0]



def _upload_help() -> str:
    # Translated when a page shows it, in that page's language (a `%` on a lazy string
    # would translate it once, at import, in whatever language was active then).
    return gettext("PDF, DOCX, XLSX, PPTX, ODT, ODS, JPEG, PNG or WebP, up to %(mb)s MB each."
                   ) % {"mb": uploadlimits.max_mb("actionplan")}


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("What was done"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    status = forms.ChoiceField(label=_("Milestone status"), choices=Milestone.Status.choices)
    completion = forms.ChoiceField(label=_("Completion level"), choices=Completion.choices)
    links = forms.CharField(label=_("Links to evidence (one per line)"), required=False,
                            max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    # Declared fields go to base_fields (the metaclass): BaseForm.files stays the uploads.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Documents and photos"), required=False, accept=DOCUMENT_TYPES,
        help_text=lazy(_upload_help, str)())

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("links", "").splitlines()
                if line.strip()]


YES_NO = [("", _("not assessed")), ("true", _("yes")), ("false", _("no"))]


class AssessmentForm(forms.Form):
    verifiable = forms.TypedChoiceField(label=_("Verifiable"), choices=YES_NO, required=False,
                                        coerce=lambda v: v == "true", empty_value=None)
    verifiability_note = forms.CharField(label=_("Explanation"), required=False,
                                         max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    relevant = forms.TypedChoiceField(label=_("Relevant to OGP values"), choices=YES_NO,
                                      required=False, coerce=lambda v: v == "true",
                                      empty_value=None)
    relevance_note = forms.CharField(label=_("Explanation"), required=False, max_length=5000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    potential = forms.ChoiceField(label=_("Potential for results"), required=False,
                                  choices=[("", _("not assessed")),
                                           *Assessment.Potential.choices])
    potential_note = forms.CharField(label=_("Explanation"), required=False, max_length=5000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    completion = forms.ChoiceField(label=_("Completion level"), required=False,
                                   choices=[("", _("not assessed")), *Completion.choices])
    completion_note = forms.CharField(label=_("Explanation"), required=False, max_length=5000,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    opened_government = forms.ChoiceField(
        label=_("Did it open government?"), required=False,
        choices=[("", _("not assessed")), *Assessment.OpenedGovernment.choices])
    opened_government_note = forms.CharField(label=_("Explanation"), required=False,
                                             max_length=5000,
                                             widget=forms.Textarea(attrs={"rows": 2}))
    assessor_name = forms.CharField(label=_("Assessed by"), required=False, max_length=200)

    @classmethod
    def initial_from(cls, assessment: Assessment | None) -> dict:
        if assessment is None:
            return {}
        initial = {name: getattr(assessment, name) for name in cls.base_fields}
        for name in ("verifiable", "relevant"):
            value = initial[name]
            initial[name] = "" if value is None else ("true" if value else "false")
        return initial


class DashboardFilter(forms.Form):
    value = forms.ChoiceField(label=_("OGP value"), required=False)
    agency = IdField(label=_("Agency"), required=False, widget=forms.Select)

    def __init__(self, *args, agencies, **kwargs) -> None:
        from .models import OgpValue

        super().__init__(*args, **kwargs)
        value_field = cast(forms.ChoiceField, self.fields["value"])
        value_field.choices = [("", _("All values")), *OgpValue.choices]
        self.fields["agency"].widget.choices = [("", _("All agencies"))] + [
            (a.id, a.name) for a in agencies]


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}))
    location = forms.CharField(label=_("Place"), max_length=300)
    title_ky = forms.CharField(label=_("Title (Kyrgyz)"), max_length=300)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    agenda_ky = forms.CharField(label=_("Agenda (Kyrgyz)"), widget=forms.Textarea)
    agenda_ru = forms.CharField(label=_("Agenda (Russian)"), widget=forms.Textarea)
    agenda_en = forms.CharField(label=_("Agenda (English)"), widget=forms.Textarea)


class MeetingDocumentForm(forms.Form):
    title_ky = forms.CharField(label=_("Title (Kyrgyz)"), max_length=300)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Or a link"), required=False)


class PlanDocumentForm(MeetingDocumentForm):
    pass


class DecisionForm(forms.Form):
    text_ky = forms.CharField(label=_("Decision (Kyrgyz)"), widget=forms.Textarea(
        attrs={"rows": 3}))
    text_ru = forms.CharField(label=_("Decision (Russian)"), widget=forms.Textarea(
        attrs={"rows": 3}))
    text_en = forms.CharField(label=_("Decision (English)"), widget=forms.Textarea(
        attrs={"rows": 3}))
    commitments = forms.ModelMultipleChoiceField(
        label=_("Commitments concerned"), required=False, queryset=Commitment.objects.none(),
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, commitments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["commitments"]).queryset = commitments


class MinutesForm(forms.Form):
    minutes_ky = forms.CharField(label=_("Minutes (Kyrgyz)"), required=False,
                                 widget=forms.Textarea)
    minutes_ru = forms.CharField(label=_("Minutes (Russian)"), required=False,
                                 widget=forms.Textarea)
    minutes_en = forms.CharField(label=_("Minutes (English)"), required=False,
                                 widget=forms.Textarea)
    present = forms.ModelMultipleChoiceField(label=_("Present"), required=False,
                                             queryset=BoardMember.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["present"]).queryset = members


class CommitmentForm(forms.ModelForm):
    """Every field of OGP's commitment template, in each language."""

    class Meta:
        model = Commitment
        # Every editable field of the template, in model order (listed, not excluded, so a
        # new model field never appears on the form by accident).
        fields = [f.name for f in Commitment._meta.concrete_fields
                  if f.editable and f.name not in ("id", "plan", "created_at", "is_sample")]
        widgets = {
            **date_inputs("start_date", "end_date"),
            **textarea_per_language("problem", "baseline", "status_quo", "description",
                                    "objective", "contribution", "supporting_government",
                                    "supporting_others", "other_programmes"),
        }


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["order", "deliverable_ky", "deliverable_ru", "deliverable_en", "start_date",
                  "end_date", "responsible", "responsible_note"]
        widgets = {**date_inputs("start_date", "end_date"),
                   **textarea_per_language("deliverable", rows=2)}


class PlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["code", "title_ky", "title_ru", "title_en", "summary_ky", "summary_ru",
                  "summary_en", "start_date", "end_date", "consultation_ends"]
        widgets = {**date_inputs("start_date", "end_date", "consultation_ends"),
                   **textarea_per_language("summary")}


class MonitorForm(forms.Form):
    account = forms.CharField(label=_("E-mail or mobile number of the monitor's account"),
                              max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
