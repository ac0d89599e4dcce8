"""Calls, their criteria, documents and committees are set up by city staff in the admin."""

from django.contrib import admin

from . import models


class RequiredDocumentInline(admin.TabularInline):
    model = models.RequiredDocument
    extra = 0


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0


class CommitteeInline(admin.TabularInline):
    model = models.CommitteeMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "status", "opens_at", "closes_at", "envelope"]
    list_filter = ["status"]
    search_fields = ["code", "title_ky", "title_ru", "title_en"]
    filter_horizontal = ["districts"]
    inlines = [RequiredDocumentInline, CriterionInline, CommitteeInline]


@admin.register(models.ApplicantProfile)
class ApplicantProfileAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "registration_number", "resident_members"]
    search_fields = ["legal_name", "registration_number"]


@admin.register(models.Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "call", "profile", "status", "requested_amount", "submitted_at"]
    list_filter = ["call", "status"]
    readonly_fields = ["call", "profile", "created_by", "status", "submitted_at",
                       "withdrawn_at", "requested_amount", "cofunding_amount"]


@admin.register(models.Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["application", "amount", "status"]
    readonly_fields = ["application", "amount", "status", "closed_at"]
