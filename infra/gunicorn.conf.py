"""Gunicorn for Jamaa: `gunicorn -c infra/gunicorn.conf.py platform_core.wsgi:application`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request holds one database connection whose search path is its commune's schema.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000  # recycles workers slowly, bounding memory growth
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
access_log_format = '%({host}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms'
