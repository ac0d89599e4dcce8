from django.urls import path

from . import views

app_name = "budgeting"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/", views.funded_projects, name="projects"),
    path("projects/<int:pk>/", views.implementation_detail, name="project"),
    path("projects/<int:pk>/follow/", views.implementation_follow, name="project-follow"),
    path("projects/<int:pk>/update/", views.implementation_update, name="project-update"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="proposal-submit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"),
    path("proposals/<int:pk>/support/", views.proposal_support, name="proposal-support"),
    path("proposals/<int:pk>/comment/", views.comment_add, name="comment-add"),
    path("proposals/<int:pk>/hide/", views.hide, name="proposal-hide"),
    path("proposals/<int:pk>/comments/<int:comment_id>/hide/", views.hide, name="comment-hide"),
    path("proposals/<int:pk>/review/", views.proposal_review, name="proposal-review"),
    path("<slug:slug>/", views.cycle_detail, name="cycle"),
    path("<slug:slug>/manage/", views.cycle_manage, name="cycle-manage"),
    path("<slug:slug>/proposals/", views.proposal_list, name="proposals"),
    path("<slug:slug>/map/", views.cycle_map, name="map"),
    path("<slug:slug>/propose/", views.proposal_create, name="propose"),
    path("<slug:slug>/proposals/<int:pk>/edit/", views.proposal_create, name="proposal-edit"),
    path("<slug:slug>/review/", views.review_queue, name="review-queue"),
    path("<slug:slug>/vote/<int:pool_id>/", views.ballot, name="ballot"),
    path("<slug:slug>/paper/<int:pool_id>/", views.paper_ballot, name="paper"),
    path("<slug:slug>/pools/<int:pool_id>/results/", views.results, name="results"),
    path("<slug:slug>/pools/<int:pool_id>/ballots.pb", views.results_pb, name="results-pb"),
    path("<slug:slug>/pools/<int:pool_id>/results.csv", views.results_csv, name="results-csv"),
    path("<slug:slug>/pools/<int:pool_id>/results.json", views.results_json,
         name="results-json"),
    path("<slug:slug>/pools/<int:pool_id>/receipts.json", views.receipts, name="receipts"),
]
