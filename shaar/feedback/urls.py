from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("mine/", views.my_reports, name="mine"),
    path("nearby/", views.nearby, name="nearby"),
    path("map/", views.report_map, name="map"),
    path("map.json", views.map_data, name="map-data"),
    path("map/clusters.json", views.map_clusters, name="map-clusters"),
    path("stats/", views.stats, name="stats"),
    path("reports.csv", views.export_csv, name="csv"),
    path("reports.geojson", views.export_geojson, name="geojson"),
    path("open311/", views.open311_docs, name="open311-docs"),
    path("<id:report_id>/", views.report_detail, name="detail"),
    path("<id:report_id>/me-too/", views.support, name="support"),
    path("follow/<uuid:token>/", views.follow, name="follow"),
    path("staff/", views.inbox, name="inbox"),
    path("staff/appeal/", views.appeal_new, name="appeal-new"),
    path("staff/systemic/", views.systemic, name="systemic"),
    path("staff/<id:report_id>/", views.staff_report, name="staff-report"),
    path("staff/<id:report_id>/<slug:action>/", views.staff_action, name="staff-action"),
]
