from django.urls import path

from . import views

app_name = "budgeting"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/", views.funded_projects, name="projects"),
    path("projects/<id:pk>/", views.implementation_detail, name="project"),
    path("projects/<id:pk>/follow/", views.implementation_follow, name="project-follow"),
    path("projects/<id:pk>/update/", views.implementation_update, name="project-update"),
    path("proposals/<id:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<id:pk>/submit/", views.proposal_submit, name="proposal-submit"),
    path("proposals/<id:pk>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"),
    path("proposals/<id:pk>/support/", views.proposal_support, name="proposal-support"),
    path("proposals/<id:pk>/comment/", views.comment_add, name="comment-add"),
    path("proposals/<id:pk>/hide/", views.hide, name="proposal-hide"),
    path("proposals/<id:pk>/comments/<id:comment_id>/hide/", views.hide, name="comment-hide"),
    path("proposals/<id:pk>/review/", views.proposal_review, name="proposal-review"),
    path("<slug:slug>/", views.cycle_detail, name="cycle"),
    path("<slug:slug>/manage/", views.cycle_manage, name="cycle-manage"),
    path("<slug:slug>/proposals/", views.proposal_list, name="proposals"),
    path("<slug:slug>/map/", views.cycle_map, name="map"),
    path("<slug:slug>/propose/", views.proposal_create, name="propose"),
    path("<slug:slug>/proposals/<id:pk>/edit/", views.proposal_create, name="proposal-edit"),
    path("<slug:slug>/review/", views.review_queue, name="review-queue"),
    path("<slug:slug>/vote/<id:pool_id>/", views.ballot, name="ballot"),
    path("<slug:slug>/paper/<id:pool_id>/", views.paper_check_in, name="paper"),
    path("<slug:slug>/paper/<id:pool_id>/entry/", views.paper_entry, name="paper-entry"),
    path("<slug:slug>/pools/<id:pool_id>/receipt/", views.receipt, name="receipt"),
    path("<slug:slug>/pools/<id:pool_id>/receipt.svg", views.receipt_qr, name="receipt-qr"),
    path("<slug:slug>/pools/<id:pool_id>/ballots.txt", views.ballots_txt, name="ballots-txt"),
    path("<slug:slug>/pools/<id:pool_id>/results/", views.results, name="results"),
    path("<slug:slug>/pools/<id:pool_id>/ballots.pb", views.results_pb, name="results-pb"),
    path("<slug:slug>/pools/<id:pool_id>/results.csv", views.results_csv, name="results-csv"),
    path("<slug:slug>/pools/<id:pool_id>/results.json", views.results_json,
         name="results-json"),
    path("<slug:slug>/pools/<id:pool_id>/receipts.json", views.receipts, name="receipts"),
]
