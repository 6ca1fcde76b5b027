"""Every non-trivial read of the civil-status module: the counter's search and the duplicate check."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, FloatField, Q, TextField
from django.db.models.expressions import Func, Value

from modules.civil_status.models import Act

SEARCH_LIMIT = 50
# Below this word similarity (pg_trgm, 0..1) a name is not offered as a possible duplicate.
DUPLICATE_SIMILARITY = 0.6


class Fold(Func):
    """The same folding as the generated keys, applied to what the agent typed."""

    function = "public.jamaa_fold"
    output_field = TextField()


class WordSimilarity(Func):
    """pg_trgm's word_similarity(typed, key): how well the typed words match some words of the key."""

    function = "public.word_similarity"
    output_field = FloatField()


@dataclass(frozen=True)
class ActSearch:
    """What a counter agent may search acts by; every field is optional."""

    name: str = ""  # the person's names, in Arabic or Latin script, fuzzy
    parents: str = ""  # a parent's name, in Arabic or Latin script, fuzzy
    kind: str = ""
    year: int | None = None
    number: int | None = None
    event_from: datetime.date | None = None
    event_to: datetime.date | None = None
    bureau_id: int | None = None
    status: str = Act.Status.SIGNED


def _similarity(key: str, typed: str) -> WordSimilarity:
    return WordSimilarity(Fold(Value(typed)), F(key))


def search_acts(criteria: ActSearch, *, limit: int = SEARCH_LIMIT) -> list[Act]:
    """Acts matching the criteria, best name match first, then the most recent."""
    acts = Act.objects.select_related("bureau")
    if criteria.status:
        acts = acts.filter(status=criteria.status)
    if criteria.kind:
        acts = acts.filter(kind=criteria.kind)
    if criteria.year is not None:
        acts = acts.filter(year=criteria.year)
    if criteria.number is not None:
        acts = acts.filter(number=criteria.number)
    if criteria.event_from:
        acts = acts.filter(event_date__gte=criteria.event_from)
    if criteria.event_to:
        acts = acts.filter(event_date__lte=criteria.event_to)
    if criteria.bureau_id:
        acts = acts.filter(bureau_id=criteria.bureau_id)
    order = []
    if criteria.name.strip():
        # `key %> typed` (word similarity above pg_trgm's threshold) is what the trigram index serves.
        acts = acts.filter(name_key__trigram_word_similar=Fold(Value(criteria.name)))
        acts = acts.annotate(name_score=_similarity("name_key", criteria.name))
        order.append("-name_score")
    if criteria.parents.strip():
        acts = acts.filter(parents_key__trigram_word_similar=Fold(Value(criteria.parents)))
    return list(acts.order_by(*order, "-event_date", "-pk")[:limit])


def possible_duplicates(act: Act, *, limit: int = 10) -> list[Act]:
    """Acts of the same kind that may record the same person: similar names, the same event date and, for a
    birth, a similar mother's name. Drafts count too (two agents at two counters)."""
    typed = " ".join([act.first_names_ar, act.family_name_ar, act.first_names_latin, act.family_name_latin])
    candidates = (
        Act.objects.filter(kind=act.kind, event_date=act.event_date)
        .exclude(status=Act.Status.ABANDONED)
        .exclude(pk=act.pk)
        .annotate(name_score=_similarity("name_key", typed))
        .filter(name_score__gte=DUPLICATE_SIMILARITY)
    )
    mother = " ".join([act.mother_name_ar, act.mother_name_latin]).strip()
    if mother:
        candidates = candidates.annotate(mother_score=_similarity("parents_key", mother)).filter(
            Q(mother_score__gte=DUPLICATE_SIMILARITY) | Q(mother_name_ar="", mother_name_latin="")
        )
    return list(candidates.order_by("-name_score", "pk")[:limit])
