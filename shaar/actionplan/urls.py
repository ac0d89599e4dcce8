from django.urls import path

from . import views

app_name = "actionplan"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("plans/<slug:code>/", views.plan_detail, name="plan"),
    path("plans/<slug:code>/status/", views.plan_transition, name="plan-transition"),
    path("plans/<slug:code>/contribute/", views.contribute, name="contribute"),
    path("plans/<slug:code>/documents/new/", views.plan_document_new, name="plan-document-new"),
    path("plans/<slug:code>/print/", views.plan_print, name="plan-print"),
    path("plans/<slug:code>/export.csv", views.plan_export_csv, name="plan-csv"),
    path("plans/<slug:code>/export.json", views.plan_export_json, name="plan-json"),
    path("plans/<slug:code>/commitments/new/", views.commitment_edit, name="commitment-new"),
    path("plans/<slug:code>/commitments/<str:commitment_code>/edit/", views.commitment_edit,
         name="commitment-edit"),
    path("commitments/<str:code>/", views.commitment_detail, name="commitment"),
    path("commitments/<str:code>/milestones/new/", views.milestone_edit, name="milestone-new"),
    path("commitments/<str:code>/milestones/<int:milestone_id>/edit/", views.milestone_edit,
         name="milestone-edit"),
    path("commitments/<str:code>/assessment/<str:kind>/", views.assessment_edit,
         name="assessment-edit"),
    path("contributions/<int:contribution_id>/respond/", views.contribution_respond,
         name="respond"),
    path("contributions/<int:contribution_id>/hide/", views.contribution_hide, name="hide"),
    path("milestones/<int:milestone_id>/progress/", views.progress_post, name="progress"),
    path("board/", views.board, name="board"),
    path("board/meetings/new/", views.meeting_new, name="meeting-new"),
    path("board/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("board/meetings/<int:meeting_id>/documents/new/", views.meeting_document_new,
         name="meeting-document-new"),
    path("board/meetings/<int:meeting_id>/decisions/new/", views.decision_new,
         name="decision-new"),
    path("board/meetings/<int:meeting_id>/minutes/", views.meeting_minutes,
         name="meeting-minutes"),
]
