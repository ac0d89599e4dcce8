from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FeedbackConfig(AppConfig):
    name = "shaar.feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from shaar.web.registry import (
            NavItem,
            OfflinePage,
            register_home,
            register_nav,
            register_offline,
        )

        from . import models
        from .home import home_cards

        for model in (models.Category, models.Question, models.RoutingRule, models.Report,
                      models.Photo, models.ApiClient):
            auditlog.register(model)
        # The call to action opens the form; the list of what others reported comes next.
        register_nav(NavItem(_("Report a problem"), "feedback:new", order=20, emphasis=True))
        register_nav(NavItem(pgettext_lazy("navigation", "Reported problems"), "feedback:list",
                             order=21))
        register_home(home_cards, order=20)
        # The report form opens without network; drafts wait in IndexedDB.
        register_offline(OfflinePage("feedback:new", static=(
            "vendor/leaflet/leaflet.css", "vendor/leaflet/leaflet.js",
            "vendor/protomaps-leaflet/protomaps-leaflet.js", "web/js/basemap.js",
            "web/js/place.js", "web/css/maps.css",
            "feedback/feedback.css", "feedback/map.js", "feedback/category-questions.js",
            "feedback/report-form.js")))
