from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from shaar.lib.forms import add_action_errors
from shaar.lib.tabular import FileFormatError, RowsRefused

from . import actions
from .forms import BudgetUploadForm
from .loaders import load_bytes
from .models import AdminUnit, BudgetLine, BudgetVersion, FiscalYear


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ru", "name_ky", "name_en", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]
    autocomplete_fields = ["department", "district"]


class VersionInline(admin.TabularInline):
    model = BudgetVersion
    extra = 0
    can_delete = False
    fields = readonly_fields = ("number", "is_current", "source", "source_name", "executed_on",
                                "line_count", "imported_by", "imported_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["year", "population", "is_sample"]
    fields = ["year", "population"]
    inlines = [VersionInline]
    change_list_template = "admin/openbudget/fiscalyear/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj else []

    def has_add_permission(self, request) -> bool:
        return False  # years are created by importing their figures

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", upload, name="openbudget_fiscalyear_upload"),
                *super().get_urls()]

    def upload_view(self, request):
        """Check the whole file; import it only when every row is good."""
        if not request.user.has_perm("openbudget.import_budget"):
            raise PermissionDenied
        form = BudgetUploadForm(request.POST or None, request.FILES or None)
        errors = []
        status = 200
        if request.method == "POST":
            if form.is_valid():
                upload = form.cleaned_data["file"]
                year = form.cleaned_data["year"]
                try:
                    loaded = load_bytes(upload.read(), upload.name)
                    if loaded.fiscal_year is not None and loaded.fiscal_year != year:
                        raise ValidationError(
                            _("The package is for fiscal year %(found)s, not %(year)s.")
                            % {"found": loaded.fiscal_year, "year": year})
                    version = actions.budget_import(
                        year=year, header=loaded.header, rows=loaded.rows,
                        source=loaded.source, source_name=upload.name,
                        executed_on=form.cleaned_data["executed_on"] or loaded.executed_on,
                        population=form.cleaned_data["population"]
                        if form.cleaned_data["population"] is not None else loaded.population,
                        imported_by=request.user, extra_units=loaded.extra_units)
                except FileFormatError as exc:
                    form.add_error("file", str(exc))
                except ValidationError as exc:
                    add_action_errors(form, exc)
                except RowsRefused as exc:
                    errors = exc.errors
                else:
                    messages.success(request, _(
                        "Imported %(count)s lines as version %(version)s of %(year)s.")
                        % {"count": version.line_count, "version": version.number,
                           "year": year})
                    return redirect("admin:openbudget_fiscalyear_changelist")
            status = 400
        context = {**self.admin_site.each_context(request), "form": form, "errors": errors,
                   "opts": self.model._meta, "title": _("Import a year's budget")}
        return TemplateResponse(request, "admin/openbudget/fiscalyear/upload.html", context,
                                status=status)


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["version", "row_number", "direction", "cofog", "economic_code",
                    "admin_unit", "name_ru", "approved", "revised", "executed"]
    list_filter = ["version__fiscal_year", "direction", "version__is_current"]
    search_fields = ["name_ky", "name_ru", "name_en", "economic_code", "cofog"]
    list_select_related = ["version__fiscal_year", "admin_unit"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a correction is a new import, so versions stay comparable

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
