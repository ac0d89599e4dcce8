from django.urls import path

from . import views

app_name = "grants"
urlpatterns = [
    path("", views.index, name="index"),
    path("calls/<slug:code>/", views.call_detail, name="call-detail"),
    path("calls/<slug:code>/results.csv", views.results_csv, name="results-csv"),
    path("calls/<slug:code>/results.json", views.results_json, name="results-json"),
    path("calls/<slug:code>/apply/", views.apply, name="apply"),
    path("awards/<id:pk>/", views.award_detail, name="award-detail"),
    path("awards/<id:pk>/report/", views.report_new, name="report-new"),
    path("my/", views.my, name="my"),
    path("organisations/new/", views.profile_create, name="profile-create"),
    path("organisations/<id:pk>/", views.profile_edit, name="profile"),
    path("applications/<id:pk>/", views.application_page, name="application"),
    path("applications/<id:pk>/files/<id:attachment_id>/", views.attachment_download,
         name="attachment"),
    path("committee/", views.committee, name="committee"),
    path("committee/<slug:code>/", views.committee_call, name="committee-call"),
    path("committee/<slug:code>/ranking/", views.ranking, name="ranking"),
    path("committee/applications/<id:pk>/", views.evaluate, name="evaluate"),
    path("manage/awards/<id:pk>/", views.award_manage, name="award-manage"),
]
