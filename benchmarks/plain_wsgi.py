"""WSGI entry point of the plain baseline project (benchmarks.plain_settings), for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.plain_settings")

application = get_wsgi_application()
