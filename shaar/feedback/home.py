from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shaar.web.registry import HomeCard

from .models import Report


def home_cards(request: HttpRequest) -> list[HomeCard]:
    open_count = Report.objects.public().open().count()
    sample = Report.objects.filter(is_sample=True).exists()
    return [HomeCard(
        title=_("Report a problem"),
        text=_("A pothole, a broken street light, uncollected rubbish? Tell the city, "
               "follow the repair and say whether it was fixed."),
        url=reverse("feedback:new"),
        label=_("%(n)d open reports") % {"n": open_count},
        is_sample=sample)]
