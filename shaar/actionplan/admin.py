"""The admin edits the content of plans (commitment texts, milestones, board members,
documents). Status changes go through the plan_transition action, never a raw field edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from shaar.lib.http import AuthenticatedHttpRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from . import actions
from .models import (
    ActionPlan,
    BoardMember,
    Commitment,
    Decision,
    Meeting,
    Milestone,
    PlanDocument,
    PlanMonitor,
)


class PlanDocumentInline(admin.TabularInline):
    model = PlanDocument
    extra = 0


class PlanMonitorInline(admin.TabularInline):
    model = PlanMonitor
    extra = 0
    raw_id_fields = ["user"]


def _transition_action(status: str, label: StrOrPromise) -> Callable[..., None]:
    @admin.action(description=label)
    def action(modeladmin: admin.ModelAdmin[ActionPlan], request: AuthenticatedHttpRequest,
               queryset: QuerySet[ActionPlan]) -> None:
        for plan in queryset:
            try:
                actions.plan_transition(plan=plan, to_status=status, by=request.user)
            except ValidationError as exc:
                modeladmin.message_user(request, f"{plan}: {'; '.join(exc.messages)}",
                                        messages.ERROR)
    action.__name__ = f"move_to_{status}"
    return action


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "status", "start_date", "end_date", "last_updated"]
    readonly_fields = ["status", "adopted_on", "last_updated"]
    inlines = [PlanDocumentInline, PlanMonitorInline]
    actions = [_transition_action(s, format_lazy(_("Move to: {status}"), status=label))
               for s, label in ActionPlan.Status.choices]


class MilestoneInline(admin.StackedInline):
    model = Milestone
    extra = 0
    readonly_fields = ["status", "completion"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "plan", "lead_agency", "start_date", "end_date"]
    list_filter = ["plan", "lead_agency"]
    search_fields = ["code", "title_ky", "title_ru", "title_en"]
    inlines = [MilestoneInline]


@admin.register(BoardMember)
class BoardMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "organisation_en", "position", "term_start", "term_end"]
    list_filter = ["sector"]
    raw_id_fields = ["user"]


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0
    filter_horizontal = ["commitments"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title_en", "starts_at", "status"]
    inlines = [DecisionInline]
