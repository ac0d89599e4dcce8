from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("profile/", views.profile, name="profile"),
    path("password/new/", views.password_new, name="password-new"),
    path("staff/verify-in-person/", views.verify_in_person, name="verify-in-person"),
]
