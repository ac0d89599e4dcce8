from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shaar.accounts.forms import MobileNumberField
from shaar.accounts.models import Role, User
from shaar.city.models import Department, District, Organisation
from shaar.city.selectors import address_best
from shaar.lib.forms import MultipleFileField
from shaar.lib.ids import IdField

from .models import (
    HANDLING_KINDS,
    NEXT_STATUS,
    STAFF_CHANNELS,
    TRANSITIONS,
    Category,
    Channel,
    Question,
    Status,
)


def _question_field(q: Question) -> forms.Field:
    common: dict[str, Any] = {"label": q.label, "required": q.required}
    if q.datatype == Question.Datatype.NUMBER:
        return forms.DecimalField(**common)
    if q.datatype == Question.Datatype.DATETIME:
        return forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                   **common)
    if q.datatype == Question.Datatype.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                               **common)
    if q.datatype == Question.Datatype.SINGLE:
        return forms.ChoiceField(choices=[("", "—"), *q.choices()], **common)
    if q.datatype == Question.Datatype.MULTI:
        return forms.MultipleChoiceField(choices=q.choices(),
                                         widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(max_length=300, **common)


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(Category.objects.filter(is_active=True),
                                      label=_("What is the problem?"), to_field_name="code")
    # Not required on their own: an address from the register places the report too.
    lat = forms.FloatField(widget=forms.HiddenInput, min_value=-90, max_value=90,
                           required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180,
                           required=False)
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False,
                              widget=forms.TextInput(attrs={"data-address-search": ""}))
    description = forms.CharField(label=_("Describe the problem"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultipleFileField(label=_("Photos"), required=False, accept="image/*",
                               help_text=_("Up to 5 photos, 10 MB each."))
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=200,
                                   required=False)
    contact_email = forms.EmailField(label=_("E-mail for updates (optional)"), required=False)
    contact_phone = MobileNumberField(label=_("Phone for SMS updates (optional)"),
                                      required=False)

    def __init__(self, *args, category: Category | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Not `self.category`: that is the declared field's name.
        self.chosen_category = category
        self.question_codes: list[str] = []
        if category is not None:
            self.fields["category"].initial = category.code
            for q in category.questions.all():
                name = f"q_{q.code}"
                self.fields[name] = _question_field(q)
                self.question_codes.append(q.code)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("lat") is None or data.get("lon") is None:
            place = address_best(data.get("address") or "")
            if place is None:
                self.add_error("lat", _("Please mark the place on the map, or give an address "
                                        "from the list."))
            else:
                data["lat"], data["lon"] = place.lat, place.lon
        return data

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > settings.FEEDBACK_PHOTO_MAX_COUNT:
            raise forms.ValidationError(_("You can attach at most %(n)d photos."),
                                        params={"n": settings.FEEDBACK_PHOTO_MAX_COUNT})
        return photos

    def answers(self) -> dict:
        out = {}
        for code in self.question_codes:
            value = self.cleaned_data.get(f"q_{code}")
            if value in (None, "", []):
                continue
            out[code] = value.isoformat() if hasattr(value, "isoformat") else (
                value if isinstance(value, list) else str(value))
        return out

    def question_fields(self):
        return [self[f"q_{code}"] for code in self.question_codes]

    def question_sets(self, categories) -> list[tuple[Category, list]]:
        """Every category with its question fields, so that the page shows the chosen
        category's questions without a round trip (the form also works offline). The
        chosen category's fields are this form's own (with values and errors); the
        others are blank, with ids of their own."""
        sets = []
        for c in categories:
            if self.chosen_category is not None and c.pk == self.chosen_category.pk:
                sets.append((c, self.question_fields()))
            else:
                blank = forms.Form(auto_id=f"id_{c.code}_%s")
                for q in c.questions.all():
                    blank.fields[f"q_{q.code}"] = _question_field(q)
                sets.append((c, [blank[name] for name in blank.fields]))
        return sets


class AppealForm(ReportForm):
    """Staff register an appeal that came by phone, letter, in person or the e-portal."""

    channel = forms.ChoiceField(label=_("Received by"),
                                choices=[(c.value, c.label) for c in STAFF_CHANNELS])


class InboxFilterForm(forms.Form):
    SORTS = [("-created_at", _("newest first")), ("created_at", _("oldest first")),
             ("-supporter_count", _("most “me too”")), ("resolve_due_at", _("due soonest"))]
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("all")), ("open", _("open")), *Status.choices])
    # Empty means no filter: "all", like status and channel (not "Choose…").
    category = forms.ModelChoiceField(Category.objects.all(), label=_("Category"),
                                      required=False, to_field_name="code", empty_label=_("all"))
    district = forms.ModelChoiceField(District.objects.all(), label=_("District"),
                                      required=False, to_field_name="code", empty_label=_("all"))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("all")), *Channel.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(label=_("Public note (required when rejecting)"), required=False,
                           max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    duplicate_of = IdField(label=_("Duplicate of report number"), required=False,
                                      min_value=1)


class BulkStatusForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(label=_("Public note"), required=False, max_length=1000)

    def __init__(self, *args, allowed_ids: list[int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["ids"]).choices = [(i, i) for i in allowed_ids or []]


class UpdateForm(forms.Form):
    """The staff report page's one form. The status menu offers only the changes the report
    can make, with the usual next one preselected."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    public_note = forms.CharField(
        label=_("Public note to the resident"), required=False, max_length=1000,
        help_text=_("Required to resolve or reject the report; shown on its public page."),
        widget=forms.Textarea(attrs={"rows": 3}))
    duplicate_of = forms.IntegerField(label=_("Duplicate of report number"), required=False,
                                      min_value=1)
    internal_note = forms.CharField(label=_("Internal note (never public)"), required=False,
                                    max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, report, **kwargs) -> None:
        kwargs.setdefault("initial", {"status": NEXT_STATUS.get(report.status, "")})
        super().__init__(*args, **kwargs)
        allowed = [(value, label) for value, label in Status.choices
                   if value in TRANSITIONS[report.status]]
        keep = _("Keep “%(status)s”") % {"status": Status(report.status).label}
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", keep), *allowed]


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(User.objects.none(), label=_("Assign to"),
                                      required=False)

    def __init__(self, *args, report=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if report is not None:
            from django.db.models import Q

            scope = Q(roles__role=Role.CITY_ADMIN)
            if report.organisation_id:
                scope |= Q(roles__organisation_id=report.organisation_id)
            elif report.department_id:
                scope |= Q(roles__department_id=report.department_id)
            assignee_field = cast("forms.ModelChoiceField[Any]", self.fields["assignee"])
            assignee_field.queryset = User.objects.filter(scope).distinct()


class RerouteForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.all(), label=_("Department"),
                                        required=False)
    organisation = forms.ModelChoiceField(
        Organisation.objects.filter(kind__in=HANDLING_KINDS), label=_("Organisation"),
        required=False)


class ModerateForm(forms.Form):
    hide = forms.ChoiceField(label=_("Visibility"), required=False, choices=[
        ("", _("unchanged")), ("hide", _("hide the report")), ("show", _("show the report"))])
    description = forms.CharField(label=_("Redacted description"), required=False,
                                  max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    photo = IdField(required=False, widget=forms.HiddenInput)
    hide_photo = forms.BooleanField(label=_("Hide this photo"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=1000)


# Each point of the scale says what it means (a bare 1–5 leaves the resident guessing).
SATISFACTION = [(1, _("1 · very unhappy")), (2, _("2 · unhappy")), (3, _("3 · so-so")),
                (4, _("4 · happy")), (5, _("5 · very happy"))]


class RatingForm(forms.Form):
    fixed = forms.TypedChoiceField(label=_("Was it fixed?"), coerce=lambda v: v == "yes",
                                   choices=[("yes", _("Yes")), ("no", _("No"))],
                                   widget=forms.RadioSelect)
    score = forms.TypedChoiceField(label=_("How satisfied are you? (1–5)"), coerce=int,
                                   choices=SATISFACTION,
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
