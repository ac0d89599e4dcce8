from django.contrib import admin

from . import models


class PoolInline(admin.TabularInline):
    model = models.Pool
    extra = 0
    fields = ["name_ky", "name_ru", "name_en", "district", "budget", "ballot_form",
              "max_projects", "rule", "minimum_votes", "minimum_percent", "tie_breaking",
              "accepts_phone", "accepts_register", "accepts_in_person"]


@admin.register(models.Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "phase", "voting_opens", "voting_closes"]
    readonly_fields = ["phase", "published_at"]
    inlines = [PoolInline]


@admin.register(models.Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "cycle", "pool", "status", "cost", "hidden"]
    list_filter = ["cycle", "status", "hidden"]
    search_fields = ["title"]
    raw_id_fields = ["author", "reviewed_by", "merged_into"]


class MilestoneInline(admin.TabularInline):
    model = models.Milestone
    extra = 1


@admin.register(models.Implementation)
class ImplementationAdmin(admin.ModelAdmin):
    list_display = ["proposal", "department", "status", "percent_complete"]
    inlines = [MilestoneInline]
    raw_id_fields = ["proposal"]


@admin.register(models.BallotRefusal)
class BallotRefusalAdmin(admin.ModelAdmin):
    list_display = ["pool", "channel", "reason", "entered_by", "created_at"]
    readonly_fields = [f.name for f in models.BallotRefusal._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
