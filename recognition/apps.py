from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = _("Recognition of learning models")

    def ready(self) -> None:
        # The dashboard (monitoring, below) shows a unit's recognitions through its registry.
        from monitoring.panels import register_panel

        from .panels import recognition_panel

        register_panel(recognition_panel)
