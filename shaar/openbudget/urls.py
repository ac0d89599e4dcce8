from django.urls import path

from . import views

app_name = "openbudget"
urlpatterns = [
    path("", views.index, name="index"),
    path("glossary/", views.glossary, name="glossary"),
    path("take-part/", views.take_part, name="take-part"),
    path("data/", views.data, name="data"),
    path("line/<slug:key>/", views.line, name="line"),
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/print/", views.print_version, name="print"),
    path("<int:year>/changes/", views.changes, name="changes"),
    path("<int:year>/function/<str:code>/", views.function, name="function"),
    path("<int:year>/unit/<slug:code>/", views.unit, name="unit"),
    path("<int:year>/data.csv", views.download_csv, name="download-csv"),
    path("<int:year>/data.json", views.download_json, name="download-json"),
    path("<int:year>/fiscal-data-package.zip", views.download_fdp, name="download-fdp"),
]
