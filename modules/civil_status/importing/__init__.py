"""The historical backlog (reprise de l'historique): acts typed from paper registers, imported whole or not at
all (manage.py import_acts and the back-office upload), with second entry and scanned pages.

reading: the file's columns and rows; validation: every row checked, rows ready for COPY; loading: the COPY and
the registers' counters; second_entry: double entry compared and reviewed; services: the batch's life; tasks:
the Celery task; progress: the progress bar's figures.
"""
