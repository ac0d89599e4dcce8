from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "shaar.api"
    verbose_name = "API"
