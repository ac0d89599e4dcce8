from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shaar.web.registry import HomeCard

from .models import ActionPlan


def home_cards(request: HttpRequest) -> list[HomeCard]:
    plan = ActionPlan.objects.filter(status=ActionPlan.Status.CONSULTATION).order_by(
        "-start_date").first()
    if plan is not None:
        return [HomeCard(title=plan.title, url=reverse("actionplan:plan", args=[plan.code]),
                         text=_("Comment on the draft commitments of the open government "
                                "action plan, or propose your own idea."),
                         label=_("Public consultation"), is_sample=plan.is_sample)]
    plan = ActionPlan.objects.filter(status__in=[ActionPlan.Status.ADOPTED,
                                                 ActionPlan.Status.IMPLEMENTATION]).order_by(
        "-start_date").first()
    if plan is not None:
        return [HomeCard(title=plan.title, url=reverse("actionplan:dashboard"),
                         text=_("Follow the progress of the city's open government "
                                "commitments."),
                         label=plan.get_status_display(), is_sample=plan.is_sample)]
    return []
