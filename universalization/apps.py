from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UniversalizationConfig(AppConfig):
    name = "universalization"
    verbose_name = _("Universalization and literacy (PCGD-XMC)")
