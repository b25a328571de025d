from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core.middleware import stamp_login

        # Documented side effect: a login starts the session's idle clock (core.middleware).
        user_logged_in.connect(stamp_login, dispatch_uid="xhht-idle-session")
