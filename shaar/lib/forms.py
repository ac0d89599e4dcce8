"""Answering a form: its action's refusal as errors on the form, or a message and a redirect;
and the field for several files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
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


def handle_form[T](request: HttpRequest, form: forms.BaseForm, act: Callable[[], T], *,
                   success: str, redirect_to: str | Callable[[T], str],
                   page: Callable[[], HttpResponse]) -> HttpResponse:
    """The one way a page answers its form.

    A valid POST calls `act` (which calls the action). If the action refuses with a
    ValidationError, its messages go on the form; otherwise `success` is flashed and the
    browser goes to `redirect_to` (a URL, or a function of what `act` returned, for an
    object that did not exist before). Every other answer is `page`, with the form and its
    errors: 400 after a POST (it was refused), 200 for a GET.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = act()
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    response = page()
    if request.method == "POST":
        response.status_code = 400
    return response


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
