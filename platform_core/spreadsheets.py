"""Downloads for a spreadsheet, as the communes' French and Moroccan Excel opens them."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse


def csv_response(name: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    """`name`.csv in UTF-8 with a byte-order mark (without it Excel reads Arabic as Latin-1) and semicolons, the
    list separator of French and Moroccan Excel."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def form_errors_response(form) -> HttpResponse:
    """A download asked for with wrong parameters: the form's errors as plain text, with status 400."""
    errors = " ".join(message for messages in form.errors.values() for message in messages)
    return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
