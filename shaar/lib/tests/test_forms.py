from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, SimpleTestCase

from shaar.lib.forms import handle_form


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method: str, data: dict[str, str] | None = None) -> HttpRequest:
    factory = RequestFactory()
    request = factory.post("/", data or {}) if method == "POST" else factory.get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _answer(request: HttpRequest, form: NameForm, act: Callable[[], object]) -> HttpResponse:
    return handle_form(request, form, act,
                       success="Saved.", redirect_to=lambda name: f"/done/{name}/",
                       page=lambda: HttpResponse("the form again"))


def _refuse() -> None:
    raise ValidationError({"name": "This name is taken."})


class HandleFormTests(SimpleTestCase):
    def test_it_shows_the_page_for_a_get(self) -> None:
        request = _request("GET")
        response = _answer(request, NameForm(None), lambda: self.fail("no action on a GET"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"the form again")

    def test_it_acts_flashes_and_redirects_on_a_valid_post(self) -> None:
        request = _request("POST", {"name": "Ala-Too"})
        form = NameForm(request.POST)
        response = _answer(request, form, lambda: form.cleaned_data["name"])
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/done/Ala-Too/")
        self.assertEqual([str(m) for m in get_messages(request)], ["Saved."])

    def test_it_answers_400_to_an_invalid_post_without_acting(self) -> None:
        request = _request("POST", {"name": ""})
        form = NameForm(request.POST)
        response = _answer(request, form, lambda: self.fail("no action on an invalid form"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("name", form.errors)

    def test_it_puts_the_actions_refusal_on_the_field_and_answers_400(self) -> None:
        request = _request("POST", {"name": "Ala-Too"})
        form = NameForm(request.POST)
        response = _answer(request, form, _refuse)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(form.errors["name"], ["This name is taken."])
        self.assertEqual(list(get_messages(request)), [])

    def test_it_puts_a_refusal_without_a_field_on_the_whole_form(self) -> None:
        def refuse() -> None:
            raise ValidationError("The call is closed.")

        request = _request("POST", {"name": "Ala-Too"})
        form = NameForm(request.POST)
        self.assertEqual(_answer(request, form, refuse).status_code, 400)
        self.assertEqual(form.non_field_errors(), ["The call is closed."])
