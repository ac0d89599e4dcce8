from django.urls import path

from . import views

app_name = "providers"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("districts/", views.districts, name="districts"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<id:pk>/", views.survey_detail, name="survey"),
    path("staff/", views.staff_home, name="staff"),
    path("staff/<id:org_id>/levels/", views.service_levels, name="service-levels"),
    path("staff/<id:org_id>/<str:month>/", views.staff_scorecard, name="staff-scorecard"),
    path("staff/<id:org_id>/<str:month>/<slug:flag>/", views.staff_drilldown,
         name="staff-drilldown"),
    path("<slug:code>/", views.provider_detail, name="provider"),
    path("<slug:code>/scorecards.csv", views.scorecards_csv, name="csv"),
    path("<slug:code>/subscribe/", views.subscribe, name="subscribe"),
]
