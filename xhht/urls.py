"""URL map of XHHT."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.urls import account_patterns

# The admin speaks the site's language, under the instance's own title.
admin.site.site_header = _("XHHT administration")
admin.site.site_title = _("XHHT administration")
admin.site.index_title = _("Data and accounts")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(account_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("", include("core.urls")),
    path("", include("plans.urls")),
    path("", include("monitoring.urls")),
    path("", include("universalization.urls")),
    path("", include("universalization.register_urls")),
    path("", include("collection.urls")),
    path("", include("collection.task_urls")),
    path("", include("collection.excel_urls")),
    path("", include("reports.urls")),
    path("", include("recognition.urls")),
    path("", include("recognition.register_urls")),
]
