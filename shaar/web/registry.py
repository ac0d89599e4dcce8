"""Extension points of the site shell: each app adds its navigation entry, the cards it
shows on the home page ("what is open now") and the pages that must open without network
(kept by the service worker) from its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    order: int = 100
    permission: str = ""  # shown only to users with this permission (e.g. staff pages)
    emphasis: bool = False  # the one call to action of the navigation ("Report a problem")

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


@dataclass(frozen=True)
class HomeCard:
    title: str
    text: str
    url: str
    label: str = ""  # e.g. "Voting open until 15 March"
    is_sample: bool = False


@dataclass(frozen=True)
class OfflinePage:
    """A page the service worker stores in every language when it installs, with the
    static files it needs, so that it opens on a phone without network."""

    url_name: str
    static: tuple[str, ...] = ()


HomeProvider = Callable[[HttpRequest], list[HomeCard]]

_nav: list[NavItem] = []
_home: list[tuple[int, HomeProvider]] = []
_offline: list[OfflinePage] = []


def register_nav(item: NavItem) -> None:
    if item not in _nav:
        _nav.append(item)


def register_home(provider: HomeProvider, *, order: int = 100) -> None:
    if all(existing is not provider for _o, existing in _home):
        _home.append((order, provider))


def register_offline(page: OfflinePage) -> None:
    if page not in _offline:
        _offline.append(page)


def offline_pages() -> list[OfflinePage]:
    return list(_offline)


def _may_see_staff_items(user) -> bool:
    # Staff items are for staff: a resident (no role, as the authentication backend says
    # with the user) is not asked for permissions, which would cost two queries a page.
    return user is not None and user.is_authenticated and (
        user.is_superuser or getattr(user, "has_any_role", True))


def nav_items(user=None) -> list[NavItem]:
    staff = _may_see_staff_items(user)
    return sorted((item for item in _nav if not item.permission
                   or (staff and user.has_perm(item.permission))),
                  key=lambda item: item.order)


def home_cards(request: HttpRequest) -> list[HomeCard]:
    cards: list[HomeCard] = []
    for _order, provider in sorted(_home, key=lambda pair: pair[0]):
        cards.extend(provider(request))
    return cards
