from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "collection"
    verbose_name = _("Data collection")

    def ready(self) -> None:
        from core import landing
        from indicators import completeness
        from indicators import provisional as indicators_provisional

        from .coverage import expected_units
        from .provisional import SOURCE
        from .views import reports_due_page

        landing.register_first_page(reports_due_page)
        indicators_provisional.register_source(SOURCE)
        completeness.register_source(expected_units)
