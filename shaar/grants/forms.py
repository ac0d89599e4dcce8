from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from shaar.city.models import City, District
from shaar.lib.forms import MultipleFileField
from shaar.lib.ids import IdField

from .models import ApplicantProfile, Application, Report


def _in_currency(label) -> str:
    """A money field's label naming the city's currency (set in the admin), read each time
    the form is shown rather than once at import."""
    return lazy(lambda: label % {"currency": City.current().currency_name}, str)()


class ProfileForm(forms.ModelForm):
    name = forms.CharField(label=_("Short public name"), max_length=200)

    class Meta:
        model = ApplicantProfile
        fields = ["legal_name", "registration_number", "contact_email", "contact_phone",
                  "address", "resident_members"]


class MemberForm(forms.Form):
    account = forms.CharField(label=_("Mobile number or e-mail of the member"), max_length=200)
    is_representative = forms.BooleanField(label=_("May act for the organisation"),
                                           required=False, initial=True)


class ApplyForm(forms.Form):
    profile = forms.ModelChoiceField(label=_("Apply on behalf of"),
                                     queryset=ApplicantProfile.objects.none())

    def __init__(self, *args, profiles=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["profile"]).queryset = profiles
        if profiles is not None and len(profiles) == 1:
            cast("forms.ModelChoiceField[Any]", self.fields["profile"]).empty_label = None


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["title", "summary", "problem", "activities", "timeline", "district",
                  "beneficiaries", "beneficiaries_description"]
        widgets = {name: forms.Textarea(attrs={"rows": 4})
                   for name in ("summary", "problem", "activities", "timeline")}

    def __init__(self, *args, call=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        districts = call.districts.all() if call is not None else None
        district_field = cast("forms.ModelChoiceField[Any]", self.fields["district"])
        district_field.queryset = (districts if districts is not None
                                   and districts.exists() else District.objects.all())
        for name in ("summary", "problem", "activities", "timeline"):
            self.fields[name].required = False


class BudgetLineForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=200, required=False)
    requested = forms.IntegerField(label=_in_currency(_("From the grant, %(currency)s")),
                                   min_value=0, max_value=10**12, required=False)
    cofunding = forms.IntegerField(label=_in_currency(_("Co-funding, %(currency)s")),
                                   min_value=0, max_value=10**12, required=False)


BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=3, max_num=50, validate_max=True)


class AttachmentForm(forms.Form):
    document = forms.ChoiceField(label=_("Document"), required=False)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, call=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Other document"))]
        if call is not None:
            choices += [(str(d.id), d.name) for d in call.documents.all()]
        cast(forms.ChoiceField, self.fields["document"]).choices = choices


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Your question"), max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    clarification = IdField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this application?"),
        choices=[("no", _("No, I have no conflict of interest")),
                 ("yes", _("Yes, I have a conflict of interest"))],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class ScoreForm(forms.Form):
    comment = forms.CharField(label=_("Overall comment"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria=(), scale_max=10, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.id}"] = forms.IntegerField(
                label=_("%(criterion)s (weight %(weight)s), 0–%(max)d")
                % {"criterion": criterion.name, "weight": criterion.weight, "max": scale_max},
                min_value=0, max_value=scale_max, required=False)
            self.fields[f"comment_{criterion.id}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name},
                required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {c.id: (self.cleaned_data.get(f"score_{c.id}"),
                       self.cleaned_data.get(f"comment_{c.id}") or "")
                for c in self.criteria}


class DecisionForm(forms.Form):
    application = IdField(widget=forms.HiddenInput)
    awarded = forms.TypedChoiceField(label=_("Decision"),
                                     choices=[("yes", _("Award")), ("no", _("Do not award"))],
                                     coerce=lambda v: v == "yes")
    amount = forms.IntegerField(label=_in_currency(_("Amount, %(currency)s")), min_value=0,
                                max_value=10**12, required=False)
    reason = forms.CharField(label=_("Reason (required when departing from the ranking)"),
                             required=False, max_length=2000)
    envelope_override = forms.BooleanField(label=_("Override: exceed the envelope"),
                                           required=False)
    override_reason = forms.CharField(label=_("Reason for exceeding the envelope"),
                                      required=False, max_length=2000)


class AgreementForm(forms.Form):
    agreement_number = forms.CharField(label=_("Agreement number"), max_length=60,
                                       required=False)
    agreement_signed_on = forms.DateField(label=_("Signed on"), required=False,
                                          widget=forms.DateInput(attrs={"type": "date"}))
    project_start = forms.DateField(label=_("Project start"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    project_end = forms.DateField(label=_("Project end"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))


class TrancheForm(forms.Form):
    planned_on = forms.DateField(label=_("Planned date"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    planned_amount = forms.IntegerField(label=_in_currency(_("Amount, %(currency)s")),
                                        min_value=1, max_value=10**12)
    requires_accepted_report = forms.BooleanField(
        label=_("Pay only after an accepted report"), required=False)


class PayForm(forms.Form):
    tranche = IdField(widget=forms.HiddenInput)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    paid_amount = forms.IntegerField(label=_in_currency(_("Amount paid, %(currency)s")),
                                     min_value=1, max_value=10**12)


class ReviewForm(forms.Form):
    report = IdField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"),
                                 choices=[("accept", _("Accept")), ("return", _("Return"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=Report.Kind.choices)
    narrative = forms.CharField(label=_("What was done"), max_length=10000,
                                widget=forms.Textarea(attrs={"rows": 6}))
    photos = MultipleFileField(label=_("Photos"), required=False, accept="image/*")

    def __init__(self, *args, lines=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"spent_{line.id}"] = forms.IntegerField(
                label=_("Spent on “%(item)s” (budget %(amount)s som)")
                % {"item": line.item, "amount": line.requested},
                min_value=0, max_value=10**12, required=False)

    def spending(self) -> dict[int, int]:
        return {line.id: self.cleaned_data.get(f"spent_{line.id}") or 0 for line in self.lines}
