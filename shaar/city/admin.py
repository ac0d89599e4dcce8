from django.contrib import admin

from .models import City, Department, District, Organisation


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name_en", "country_code", "currency", "time_zone", "default_language"]

    def has_add_permission(self, request) -> bool:
        return not City.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "name_ky", "population", "is_sample"]
    search_fields = ["code", "name_en", "name_ru", "name_ky"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "name_ky", "email"]
    search_fields = ["code", "name_en", "name_ru", "name_ky"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "kind", "email"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_ru", "name_ky"]
