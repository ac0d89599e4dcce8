"""The city's reference data in the console: one list and one form per kind, each saved
through its owning app's action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from shaar.city import actions as city_actions
from shaar.city.models import City, Department, District, Organisation
from shaar.feedback import actions as feedback_actions
from shaar.feedback.models import Category, Question, RoutingRule

TEXTAREA = forms.Textarea(attrs={"rows": 2})


class CityForm(forms.ModelForm):
    class Meta:
        model = City
        fields = ["name_ky", "name_ru", "name_en", "default_language", "currency",
                  "currency_name_ky", "currency_name_ru", "currency_name_en", "country_code",
                  "country_name_en", "population", "time_zone", "map_center_lat",
                  "map_center_lon", "map_zoom", "emergency_phone", "hotline_phone"]


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["code", "name_ky", "name_ru", "name_en", "population"]


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name_ky", "name_ru", "name_en", "email", "phone"]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["code", "kind", "name_ky", "name_ru", "name_en", "email", "phone", "website"]


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "group", "name_ky", "name_ru", "name_en", "description_ky",
                  "description_ru", "description_en", "keywords", "is_active", "order",
                  "target_hours_acknowledge", "target_hours_resolve"]
        widgets = {"description_ky": TEXTAREA, "description_ru": TEXTAREA,
                   "description_en": TEXTAREA}


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices, one per line: key; Kyrgyz; Russian; English"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}))

    class Meta:
        model = Question
        fields = ["code", "datatype", "required", "label_ky", "label_ru", "label_en", "order"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choices_text"].initial = "\n".join(
            "; ".join([str(v.get("key", "")), v.get("name_ky", ""), v.get("name_ru", ""),
                       v.get("name_en", "")]) for v in self.instance.values or [])

    def clean_choices_text(self) -> list[dict[str, str]]:
        values = []
        for number, line in enumerate(self.cleaned_data["choices_text"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            if len(parts) != 4 or not all(parts):
                raise forms.ValidationError(
                    _("Line %(n)s: write a key and the name in three languages, separated "
                      "by semicolons.") % {"n": number})
            values.append(dict(zip(("key", "name_ky", "name_ru", "name_en"), parts,
                                   strict=True)))
        return values

    def save(self, commit: bool = True):
        self.instance.values = self.cleaned_data["choices_text"]
        return super().save(commit=commit)


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["category", "district", "department", "organisation"]
        help_texts = {
            "district": _("Empty: the rule applies city-wide; a district's rule wins over it."),
            "department": _("The report goes to a department or to an organisation: choose "
                            "one of the two."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, model in (("category", Category), ("district", District),
                            ("department", Department), ("organisation", Organisation)):
            field = cast("forms.ModelChoiceField[Any]", self.fields[name])
            field.queryset = model._default_manager.order_by("code")

    def validate_constraints(self) -> None:
        """The action checks one target and one rule per category and district, with
        messages that say what is wrong."""


@dataclass(frozen=True)
class Reference:
    title: Any
    model: type[Model]
    form: type[forms.ModelForm]
    permission: str
    save: Callable[..., Any]
    columns: tuple[str, ...]
    ordering: tuple[str, ...] = ("code",)
    remove: Callable[..., Any] | None = None
    related: tuple[str, ...] = ()
    help: Any = ""


def _city_save(obj, by) -> None:
    city_actions.reference_save(obj=obj, by=by)


def _category_save(obj, by) -> None:
    feedback_actions.category_save(category=obj, by=by)


def _rule_save(obj, by) -> None:
    feedback_actions.routing_rule_save(rule=obj, by=by)


def _rule_remove(obj, by) -> None:
    feedback_actions.routing_rule_remove(rule=obj, by=by)


REFERENCES: dict[str, Reference] = {
    "districts": Reference(_("Districts"), District, DistrictForm, "city.manage", _city_save,
                           ("code", "name", "population")),
    "departments": Reference(_("Departments"), Department, DepartmentForm, "city.manage",
                             _city_save, ("code", "name", "email")),
    "organisations": Reference(_("Organisations (providers, NGOs)"), Organisation,
                               OrganisationForm, "city.manage", _city_save,
                               ("code", "name", "get_kind_display")),
    "categories": Reference(_("Report categories"), Category, CategoryForm,
                            "feedback.manage_categories", _category_save,
                            ("code", "name", "is_active")),
    "routing": Reference(_("Routing of reports"), RoutingRule, RoutingRuleForm,
                         "feedback.manage_categories", _rule_save,
                         ("category", "district", "department", "organisation"),
                         ordering=("category__code", "district__code"), remove=_rule_remove,
                         related=("category", "district", "department", "organisation"),
                         help=_("A rule without a district (—) applies city-wide; a "
                                "district's rule wins over it. A report that no rule matches "
                                "goes to city triage.")),
}
