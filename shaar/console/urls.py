from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/new/", views.cycle_edit, name="cycle-new"),
    path("cycles/<slug:slug>/", views.cycle_edit, name="cycle"),
    path("cycles/<slug:slug>/phase/", views.cycle_phase, name="cycle-phase"),
    path("cycles/<slug:slug>/pools/new/", views.pool_edit, name="pool-new"),
    path("cycles/<slug:slug>/pools/<id:pool_id>/", views.pool_edit, name="pool"),
    path("cycles/<slug:slug>/pools/<id:pool_id>/remove/", views.pool_remove,
         name="pool-remove"),
    path("calls/", views.calls, name="calls"),
    path("calls/new/", views.call_edit, name="call-new"),
    path("calls/<slug:code>/", views.call_edit, name="call"),
    path("calls/<slug:code>/publish/", views.call_publish, name="call-publish"),
    path("calls/<slug:code>/criteria/", views.criterion_add, name="criterion-add"),
    path("calls/<slug:code>/criteria/<id:criterion_id>/remove/", views.criterion_remove,
         name="criterion-remove"),
    path("calls/<slug:code>/committee/", views.seat_add, name="seat-add"),
    path("calls/<slug:code>/committee/<id:seat_id>/remove/", views.seat_remove,
         name="seat-remove"),
    path("plans/", views.plans, name="plans"),
    path("roles/", views.roles, name="roles"),
    path("roles/<id:assignment_id>/remove/", views.role_remove, name="role-remove"),
    path("imports/<slug:kind>/", views.import_upload, name="import"),
    path("imports/<slug:kind>/template.csv", views.import_template, name="import-template"),
    path("imports/jobs/<id:job_id>/", views.import_job, name="import-job"),
    path("audit/", views.audit, name="audit"),
    path("city/", views.city_settings, name="city"),
    path("reference/<slug:kind>/", views.reference_list, name="reference"),
    path("reference/<slug:kind>/new/", views.reference_edit, name="reference-new"),
    path("reference/<slug:kind>/<id:pk>/", views.reference_edit, name="reference-edit"),
    path("categories/<id:category_id>/questions/new/", views.question_edit,
         name="question-new"),
    path("categories/<id:category_id>/questions/<id:question_id>/", views.question_edit,
         name="question-edit"),
]
