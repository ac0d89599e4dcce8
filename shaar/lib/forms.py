"""Answering a form: its action's refusal as errors on the form, or a message and a redirect;
the widgets of dates and of texts in each language; and the field for several files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def add_action_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put an action's error on the form field it names, or on the form as a whole."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def submit_form[T](request: HttpRequest, form: forms.BaseForm, act: Callable[[], T], *,
                   success: str | Callable[[T], str],
                   redirect_to: str | Callable[[T], str]) -> HttpResponse | None:
    """A sent form's answer when it went through, else None (show the page again).

    A valid form calls `act` (which calls the action). If the action refuses with a
    ValidationError, its messages go on the form and the answer is None; otherwise
    `success` is flashed and the answer goes to `redirect_to`. Each may be a function of
    what `act` returned, for an object that did not exist before.
    """
    if form.is_valid():
        try:
            result = act()
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    return None


def handle_form[T](request: HttpRequest, form: forms.BaseForm, act: Callable[[], T], *,
                   success: str, redirect_to: str | Callable[[T], str],
                   page: Callable[[], HttpResponse]) -> HttpResponse:
    """The one way a page answers its form.

    A POST goes through `submit_form`. Every other answer is `page`, with the form and its
    errors: 400 after a POST (it was refused), 200 for a GET.
    """
    if request.method == "POST":
        done = submit_form(request, form, act, success=success, redirect_to=redirect_to)
        if done is not None:
            return done
    response = page()
    if request.method == "POST":
        response.status_code = 400
    return response


def textarea_per_language(*fields: str, rows: int = 3) -> dict[str, forms.Widget]:
    """A ModelForm's widgets: a box of `rows` lines for each language's column of each
    field (description_ky, description_ru, description_en, …)."""
    return {f"{field}_{code}": forms.Textarea(attrs={"rows": rows})
            for field in fields for code, _name in settings.LANGUAGES}


def date_inputs(*fields: str) -> dict[str, forms.Widget]:
    """A ModelForm's widgets: the browser's date picker for each date field."""
    return {field: forms.DateInput(attrs={"type": "date"}) for field in fields}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe), cleaned into a list;
    `accept` tells the phone's file picker what to offer."""

    def __init__(self, *args: Any, accept: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else {}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []
