from django.urls import path

from . import views

app_name = "openbudget"
urlpatterns = [
    path("", views.index, name="index"),
    path("glossary/", views.glossary, name="glossary"),
    path("take-part/", views.take_part, name="take-part"),
    path("data/", views.data, name="data"),
    path("line/<slug:key>/", views.line, name="line"),
    path("<id:year>/", views.year, name="year"),
    path("<id:year>/print/", views.print_version, name="print"),
    path("<id:year>/changes/", views.changes, name="changes"),
    path("<id:year>/function/<str:code>/", views.function, name="function"),
    path("<id:year>/unit/<slug:code>/", views.unit, name="unit"),
    path("<id:year>/data.csv", views.download_csv, name="download-csv"),
    path("<id:year>/data.json", views.download_json, name="download-json"),
    path("<id:year>/fiscal-data-package.zip", views.download_fdp, name="download-fdp"),
]
