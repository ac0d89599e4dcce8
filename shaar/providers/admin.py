from __future__ import annotations

from django.contrib import admin

from .models import ProviderProfile, ServiceCategory, ServiceLevel, Survey


class ServiceLevelInline(admin.TabularInline):
    """Read-only history: new levels are set on the service-levels page, never edited."""

    model = ServiceLevel
    extra = 0
    can_delete = False
    readonly_fields = ["category_code", "acknowledge_hours", "resolve_hours", "valid_from",
                       "note", "set_by"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProviderProfile)
class ProviderProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "sector", "is_active", "is_sample"]
    list_filter = ["sector", "is_active"]
    filter_horizontal = ["districts"]
    inlines = [ServiceLevelInline]


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "name_ky"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Surveys are set up here; answers are deliberately not in the admin at all."""

    list_display = ["title_en", "sector", "opens_at", "closes_at", "is_sample"]
    list_filter = ["sector"]
    filter_horizontal = ["districts"]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
