from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from shaar.web.registry import HomeCard

from .models import Call


def home_cards(request: HttpRequest) -> list[HomeCard]:
    return [HomeCard(
        title=call.title, text=_("Community grants up to %(max)s som per project.")
        % {"max": formats.number_format(call.max_per_grant, force_grouping=True)},
        url=reverse("grants:call-detail", args=[call.code]),
        label=_("Applications until %(date)s")
        % {"date": formats.date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")},
        is_sample=call.is_sample) for call in Call.objects.open_at(timezone.now())[:3]]
