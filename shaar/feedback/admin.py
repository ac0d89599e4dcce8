from __future__ import annotations

import secrets

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from .models import ApiClient, Category, Question, Rating, Report, ReportEvent, RoutingRule


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "group", "target_hours_acknowledge",
                    "target_hours_resolve", "is_active", "is_sample"]
    list_filter = ["group", "is_active"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]
    inlines = [QuestionInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "district", "department", "organisation", "is_sample"]
    list_filter = ["category", "district"]


class EventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "from_status", "to_status", "text", "is_public", "actor",
                       "created_at"]
    fields = tuple(readonly_fields)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "category", "status", "channel", "district", "created_at",
                    "is_hidden"]
    list_filter = ["status", "channel", "category", "district", "is_hidden"]
    raw_id_fields = ["reporter", "registered_by", "assignee", "duplicate_of"]
    # Hiding and editing the text are moderation, done on the report's staff page: it keeps
    # the reason and takes photos and downloads offline (actions.report_moderate).
    readonly_fields = ["token", "created_at", "acknowledged_at", "resolved_at",
                       "reopen_count", "supporter_count", "is_hidden", "description"]
    inlines = [EventInline]

    def has_add_permission(self, request) -> bool:
        return False  # reports enter through the form, the API or staff appeals


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["report", "fixed", "score", "created_at"]
    raw_id_fields = ["report"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "channel", "is_active", "created_at"]
    readonly_fields = ["key_prefix", "created_at"]
    fields = ["name", "contact", "channel", "is_active", "key_prefix", "created_at"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            key = secrets.token_urlsafe(24)
            obj.set_key(key)
            messages.warning(request, _("The new API key is %(key)s. Copy it now: it is not "
                                        "shown again.") % {"key": key})
        super().save_model(request, obj, form, change)
