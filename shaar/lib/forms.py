"""Turning an action's refusal into errors on the form that asked for it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_action_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put an action's error on the form field it names, or on the form as a whole."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
