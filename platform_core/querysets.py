"""Helpers for the modules' selectors."""

from __future__ import annotations

from django.db.models import QuerySet


def filter_given(queryset: QuerySet, **lookups) -> QuerySet:
    """The queryset narrowed by each lookup whose value is given: a search form's empty criteria (None, "", 0,
    False) do not narrow it."""
    return queryset.filter(**{lookup: value for lookup, value in lookups.items() if value})
