"""`make bench`: Jamaa's performance figures, each measured beside its baseline in the same run.

Kept free of side effects: gunicorn imports `benchmarks.plain_wsgi` through this package.
"""
