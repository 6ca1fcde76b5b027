"""Every non-trivial read of the civil-status module: the counter's search and the duplicate check.

Names are matched word by word. What the agent typed is folded as the stored keys are (public.jamaa_fold():
hamza forms, taa marbuta, alef maqsura, diacritics, the article, Latin accents and case) and split into words;
each word must resemble some word of the key (pg_trgm's word similarity, `key %> word`), in any order and in
either script. The act's name key and parents' key share one GIN trigram index, so every typed word, of the
person or of a parent, is intersected in a single index scan; at most CANDIDATES matching acts are then read
and ranked, so that a first name shared by a hundred thousand acts costs an index scan, never a sort of all its
matches. Kind, year, number, bureau and dates narrow the same query (btree indexes on the register and the event
date). Measured on a commune of a million acts by benchmarks/civil_status_search.py, which also gives the
EXPLAIN ANALYZE of its slowest query.

The planner underestimates how many acts a word matches (its statistics hold a hundred sample keys), and with
the LIMIT of the candidates it would then pick a sequential scan that stops early only for common words (a rare
word read the whole register: seconds); the search's transaction turns sequential scans off (PLANNER).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, FloatField, Q, TextField
from django.db.models.expressions import Func, Value

from modules.civil_status.models import Act, Folded
from platform_core.querysets import filter_given

SEARCH_LIMIT = 50
# The most matching acts read before ranking: six pages of results, and few enough that a common name is
# answered in milliseconds (the agent then narrows it with a date or a parent).
CANDIDATES = 300
# The pg_trgm word similarity a typed word needs with some word of a key. On names typed with one slip (a letter
# left out, doubled, swapped or wrong) and the usual spelling variants, 0.4 finds about 80% of the slipped names
# and 97% of the variants, against 62% and 95% at 0.5, for a few milliseconds more; 0.3 finds 90% of the slips
# but makes the p95 a third slower. A slip in a word of four letters (ممحد for محمد) is beyond any trigram measure.
WORD_SIMILARITY = 0.4
# Below this similarity (pg_trgm, 0..1) of the whole names, or of the mothers' names, an act recorded on the same
# day is not offered as a possible duplicate. Measured: the same person typed again with a variant, a slip or a
# second first name left out scores 0.7 to 0.9; strangers born the same day score under 0.52 (99.9th percentile)
# and twins, whose first names differ, under 0.45.
DUPLICATE_SIMILARITY = 0.55
SHORTEST_WORD = 2  # a single letter would match most keys
PLANNER = {"enable_seqscan": "off"}


class Similarity(Func):
    """pg_trgm's similarity(a, b): the share of trigrams the two texts have in common."""

    function = "public.similarity"
    output_field = FloatField()


class WordSimilarity(Func):
    """pg_trgm's word_similarity(word, key): how well the typed word matches the closest stretch of the key."""

    function = "public.word_similarity"
    output_field = FloatField()


class Fold(Func):
    """The same folding as the generated keys, applied to a text given at query time."""

    function = "public.jamaa_fold"
    output_field = TextField()


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


def folded_words(*texts: str) -> list[list[str]]:
    """Each text folded as the keys are (in one round trip), as its distinct words of two letters or more."""
    if not any(text.strip() for text in texts):
        return [[] for _text in texts]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["public.jamaa_fold(%s)"] * len(texts)), list(texts))
        folded = cursor.fetchone()
    return [list(dict.fromkeys(word for word in (text or "").split() if len(word) >= SHORTEST_WORD))
            for text in folded]


def _filtered(criteria: ActSearch):
    acts = filter_given(Act.objects.all(), status=criteria.status, kind=criteria.kind,
                        event_date__gte=criteria.event_from, event_date__lte=criteria.event_to,
                        bureau_id=criteria.bureau_id)
    if not criteria.kind and (criteria.year is not None or criteria.number is not None):
        # The register's index leads with the kind: naming both kinds lets PostgreSQL probe it twice.
        acts = acts.filter(kind__in=Act.Kind.values)
    if criteria.year is not None:
        acts = acts.filter(year=criteria.year)
    if criteria.number is not None:
        acts = acts.filter(number=criteria.number)
    return acts


def search_acts(criteria: ActSearch, *, limit: int = SEARCH_LIMIT) -> list[Act]:
    """Acts matching the criteria: the best name match first (the more typed words found, the closer, the fewer
    other words), then the most recent. Without a name, the most recent acts matching the other criteria."""
    acts = _filtered(criteria)
    name_words, parent_words = folded_words(criteria.name, criteria.parents)
    if not name_words and not parent_words:
        return list(acts.select_related("bureau").order_by("-event_date", "-pk")[:limit])
    for word in name_words:
        acts = acts.filter(name_key__trigram_word_similar=word)
    for word in parent_words:
        acts = acts.filter(parents_key__trigram_word_similar=word)
    scores = [WordSimilarity(Value(word), F("name_key")) for word in name_words]
    scores += [WordSimilarity(Value(word), F("parents_key")) for word in parent_words]
    closeness = Similarity(Value(" ".join(name_words or parent_words)), F("name_key" if name_words else "parents_key"))
    ranked = (
        Act.objects.filter(pk__in=acts.values("pk")[:CANDIDATES])
        .select_related("bureau")
        .annotate(match=sum(scores[1:], scores[0]), closeness=closeness)
        .order_by("-match", "-closeness", "-event_date", "-pk")[:limit]
    )
    with tuned():
        return list(ranked)


@contextmanager
def tuned():
    """The search's settings, for its own queries: the threshold `%>` compares with, and PLANNER (see the module
    docstring). They are LOCAL, so they end with the transaction; when the search runs inside a caller's
    transaction, the planner's are put back as they were as soon as the search is done."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(PLANNER)), list(PLANNER))
        previous = dict(zip(PLANNER, cursor.fetchone(), strict=True))
        _set_locally(cursor, {"pg_trgm.word_similarity_threshold": str(WORD_SIMILARITY), **PLANNER})
        yield
        _set_locally(cursor, previous)


def _set_locally(cursor, settings: dict[str, str]) -> None:
    cursor.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
                   [item for setting in settings.items() for item in setting])


def possible_duplicates(act: Act, *, limit: int = 10) -> list[Act]:
    """Acts of the same kind that may record the same person: the same event date, similar names (both scripts
    folded together) and, when the act names a mother, a similar mother's name (or none recorded). Drafts count
    too (two agents at two counters); abandoned drafts do not."""
    names = " ".join([act.first_names_ar, act.family_name_ar, act.first_names_latin, act.family_name_latin])
    candidates = (
        Act.objects.filter(kind=act.kind, event_date=act.event_date)
        .exclude(status=Act.Status.ABANDONED)
        .exclude(pk=act.pk)
        .annotate(name_score=Similarity(Fold(Value(names)), F("name_key")))
        .filter(name_score__gte=DUPLICATE_SIMILARITY)
    )
    mother = " ".join([act.mother_name_ar, act.mother_name_latin]).strip()
    if mother:
        mother_key = Folded("mother_name_ar", "mother_name_latin")
        candidates = candidates.annotate(mother_score=Similarity(Fold(Value(mother)), mother_key)).filter(
            Q(mother_score__gte=DUPLICATE_SIMILARITY) | Q(mother_name_ar="", mother_name_latin="")
        )
    return list(candidates.select_related("bureau").order_by("-name_score", "pk")[:limit])
