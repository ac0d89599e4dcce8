app_name = "openbudget"
urlpatterns: list = []
