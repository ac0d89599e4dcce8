from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _


class SurveyAnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your answer"), coerce=int, widget=forms.RadioSelect,
        choices=[(1, _("1 — very bad")), (2, _("2 — bad")), (3, _("3 — so-so")),
                 (4, _("4 — good")), (5, _("5 — very good"))])


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("Public response to this scorecard"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 6}))


class ServiceLevelForm(forms.Form):
    category_code = forms.ChoiceField(label=_("Report category"))
    acknowledge_hours = forms.DecimalField(label=_("Hours to acknowledge"), min_value=0.5,
                                           max_value=8760, decimal_places=1)
    resolve_hours = forms.DecimalField(label=_("Hours to resolve"), min_value=0.5,
                                       max_value=8760, decimal_places=1)
    valid_from = forms.DateTimeField(
        label=_("In force from"), required=False,
        help_text=_("Leave empty for now. Earlier reports keep the level they were received "
                    "under."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    note = forms.CharField(label=_("Reason for the change"), max_length=300, required=False)

    def __init__(self, *args, categories: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category_code"]).choices = categories
