"""Template filters for papers: `{% load papers %}`."""

import datetime

from django import template
from django.utils import timezone

from platform_core import dates

register = template.Library()


@register.filter
def hijri_and_gregorian(value: datetime.date, language: str) -> str:
    """As Moroccan papers date things: "5 ramadan 1445 (15 mars 2024)" / "5 رمضان 1445 (15 مارس 2024)".
    A datetime is taken on its day in the current time zone (Africa/Casablanca)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return dates.format_both(value, language)
