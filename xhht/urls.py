"""URL map of XHHT."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("", include("core.urls")),
    path("", include("plans.urls")),
    path("", include("indicators.urls")),
    path("", include("universalization.urls")),
    path("", include("universalization.register_urls")),
    path("", include("collection.urls")),
    path("", include("collection.task_urls")),
    path("", include("collection.excel_urls")),
]
