"""Answering a form: its action's refusal as errors on the form, or a message and a redirect."""

from __future__ import annotations

from collections.abc import Callable

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
