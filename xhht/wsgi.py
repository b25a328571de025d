"""WSGI entry point for XHHT."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xhht.settings")
application = get_wsgi_application()
