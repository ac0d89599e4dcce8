from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from shaar.lib.tabular import RowsRefused

from . import actions
from .forms import RegisterUploadForm
from .models import RegisterImport, RoleAssignment, User, Verification
from .register import decode_upload, read_rows


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["department", "organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "email", "phone", "phone_verified", "is_staff"]
    search_fields = ["username", "display_name", "email", "phone"]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (None, {"fields": ("phone", "phone_verified",
                                                                "display_name")}))
    inlines = [RoleInline]


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ["user", "method", "district", "verified_by", "verified_at"]
    list_filter = ["method", "district"]
    readonly_fields = ["verified_at", "verified_by"]
    search_fields = ["user__phone", "user__email"]


@admin.register(RegisterImport)
class RegisterImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "row_count", "uploaded_by", "uploaded_at"]
    readonly_fields = ["file_name", "row_count", "uploaded_by", "uploaded_at"]
    change_list_template = "admin/accounts/registerimport/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", upload, name="accounts_registerimport_upload"),
                *super().get_urls()]

    def upload_view(self, request):
        """Upload the register; the file is read in memory and never stored."""
        if not request.user.has_perm("accounts.import_register"):
            raise PermissionDenied
        form = RegisterUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = actions.register_import(
                    rows=read_rows(decode_upload(upload.read())), file_name=upload.name,
                    uploaded_by=request.user)
            except ValidationError as exc:
                form.add_error("file", exc)
            except RowsRefused as exc:
                errors = exc.errors
            else:
                messages.success(request, _("Imported %(count)s register entries.")
                                 % {"count": batch.row_count})
                return redirect("admin:accounts_registerimport_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "errors": errors,
                   "opts": self.model._meta, "title": _("Upload the residency register")}
        return TemplateResponse(request, "admin/accounts/registerimport/upload.html", context,
                                status=400 if request.method == "POST" else 200)
