"""civil_status.search_p95_ms: the counter's search on a commune of one million acts, against a naive search.

The commune `bench-search` holds ACTS synthetic signed acts (modules.civil_status.synthetic, loaded with COPY,
then ANALYZE); it is kept between runs and rebuilt only when it holds another number of acts or its search keys
were computed by another version of public.jamaa_fold(). The query mix is drawn from acts of the register, as an
agent types them at the counter: Arabic and Latin names with a typo or a spelling variant, a name with a range of
birth dates, a parent's name, a number and year. Figure: the 95th percentile of search_acts() wall time over
SAMPLES queries (Django ORM included, one connection, warm cache). Baseline: the same criteria run the naive way
in the same run: ILIKE '%word%' on the raw name columns (no folding, no trigram index), newest first.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from dataclasses import replace

from django.db import connection
from rich.console import Console

from benchmarks.report import Figure, time_figure

ACTS = 1_000_000
SAMPLES = 400
BASELINE_SAMPLES = 40
WARMUP = 40
SLUG = "bench-search"
SEED = 2024
TOWN = ("Fès", "فاس")


def _recipe():
    from tenants.recipes import parse_recipe

    return parse_recipe({
        "commune": {"slug": SLUG, "name_fr": "Commune de Fès (banc d'essai)", "name_ar": "جماعة فاس (تجريبية)",
                    "province": "Préfecture de Fès"},
        "domains": [SLUG],
        "modules": ["civil_status"],
        "administrator": {"username": "admin.bench", "first_name": "Karim", "last_name": "Bennani",
                          "first_name_ar": "كريم", "last_name_ar": "بناني", "password": "bench-admin-pw"},
        "sections": {"civil_status": {"commune_code": "140001", "bureaux": [
            {"code": "principal", "name_fr": "Bureau principal", "name_ar": "المكتب الرئيسي"},
            {"code": "annexe-1", "name_fr": "Annexe 1", "name_ar": "الملحقة 1"},
            {"code": "annexe-2", "name_fr": "Annexe 2", "name_ar": "الملحقة 2"},
        ]}},
    })


def _keys_are_current() -> bool:
    """Whether the stored search keys are what today's jamaa_fold() computes (a sample of acts)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT * FROM civil_status_act ORDER BY id LIMIT 2000) sample WHERE name_key "
            "IS DISTINCT FROM public.jamaa_fold(first_names_ar || ' ' || family_name_ar || ' ' || "
            "first_names_latin || ' ' || family_name_latin)"
        )
        return cursor.fetchone()[0] == 0


def ensure_commune(console: Console):
    """The commune with its ACTS acts: reused if it holds them already, else (re)built."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from modules.civil_status import synthetic
    from modules.civil_status.models import Act
    from tenants.models import Commune
    from tenants.services.provisioning import provision_commune

    connection.set_schema_to_public()
    commune = Commune.objects.filter(slug=SLUG).first()
    if commune is not None:
        with tenant_context(commune):
            count = Act.objects.count()
            if count == ACTS and _keys_are_current():
                console.log(f"reusing {SLUG}: {count:,} acts")
                return commune
        console.log(f"{SLUG} holds {count:,} acts or stale keys: rebuilding it")
        commune.delete(force_drop=True)
    commune = provision_commune(_recipe(), check_template=False).commune
    started = time.perf_counter()
    with tenant_context(commune):
        loader = get_user_model().objects.get(username="admin.bench")
        with console.status(f"loading {ACTS:,} synthetic acts...") as status:
            summary = synthetic.load(
                ACTS, town=TOWN, drafted_by_id=loader.pk, commune_code="140001", seed=SEED,
                progress=lambda done: status.update(f"loading {ACTS:,} synthetic acts: {done:,}"),
            )
    loaded = time.perf_counter() - started
    with tenant_context(commune), connection.cursor() as cursor:
        cursor.execute("ANALYZE civil_status_act")
        cursor.execute("ANALYZE civil_status_marginalmention")
    console.log(f"loaded {summary.births:,} births, {summary.deaths:,} deaths and {summary.mentions:,} mentions in "
                f"{loaded:.0f} s ({ACTS / loaded:,.0f} acts/s), then ANALYZE")
    return commune


# --- The query mix ------------------------------------------------------------------------------------

ARABIC_LETTERS = "ابتثجحخدرزسشصطعفقكلمنهوي"
LATIN_LETTERS = "abcdefghijklmnoprstuyz"
NAME_ALONE = ("arabic name", "latin name")
# (share of the mix, kind of query): what agents type at the counter.
MIX = (
    (25, "arabic name"), (20, "latin name"), (25, "name and birth years"), (15, "parent and first name"),
    (15, "number and year"),
)


def typo(word: str, letters: str, rng: random.Random) -> str:
    """One slip of the keyboard inside a word of four letters or more: a letter left out, doubled, swapped or
    wrong."""
    if len(word) < 4:
        return word
    index = rng.randrange(1, len(word) - 1)
    slip = rng.choice("ldsw")
    if slip == "l":
        return word[:index] + word[index + 1:]
    if slip == "d":
        return word[:index] + word[index] + word[index:]
    if slip == "s":
        return word[:index] + word[index + 1] + word[index] + word[index + 2:]
    return word[:index] + rng.choice(letters) + word[index + 1:]


def arabic_spelling(text: str, rng: random.Random) -> str:
    """How Arabic names are often typed: without hamza on alef, ه for ة, without the article."""
    if rng.random() < 0.5:
        text = text.replace("أ", "ا").replace("إ", "ا")
    if rng.random() < 0.5:
        text = text.replace("ة", "ه")
    if rng.random() < 0.3:
        text = " ".join(word[2:] if word.startswith("ال") and len(word) > 4 else word for word in text.split())
    return text


def _slip_one(words: list[str], letters: str, rng: random.Random) -> str:
    index = rng.randrange(len(words))
    return " ".join(typo(word, letters, rng) if position == index else word for position, word in enumerate(words))


def _first_name(names: str) -> str:
    """The first name an agent would type: without a title, a compound one whole (عبد الله, El Mehdi)."""
    words = names.split()
    if words[0] in ("مولاي", "لالة", "Moulay", "Lalla") and len(words) > 1:
        words = words[1:]
    if words[0] in ("عبد", "El", "فاطمة") and len(words) > 1:
        return " ".join(words[:2])
    return words[0]


def query_mix(count: int, seed: int = SEED) -> list[tuple[str, object, int, tuple[str, str]]]:
    """(kind, ActSearch, id of the act sought, its first and family names in Latin script) drawn from acts of the
    register."""
    from modules.civil_status.models import Act
    from modules.civil_status.selectors import ActSearch

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) - min(id), min(id) FROM civil_status_act")
        span, first = cursor.fetchone()
    ids = [first + rng.randrange(span + 1) for _ in range(count * 2)]
    acts = {act.pk: act for act in Act.objects.filter(pk__in=ids, status=Act.Status.SIGNED)}
    kinds = rng.choices([kind for _share, kind in MIX], weights=[share for share, _kind in MIX], k=count)
    queries = []
    for kind, act_id in zip(kinds, [act_id for act_id in ids if act_id in acts], strict=False):
        act = acts[act_id]
        if kind == "arabic name":
            typed = arabic_spelling(f"{_first_name(act.first_names_ar)} {act.family_name_ar}", rng)
            criteria = ActSearch(name=_slip_one(typed.split(), ARABIC_LETTERS, rng))
        elif kind == "latin name":
            words = f"{_first_name(act.first_names_latin)} {act.family_name_latin}".lower().split()
            criteria = ActSearch(name=_slip_one(words, LATIN_LETTERS, rng))
        elif kind == "name and birth years":
            year = act.event_date.year + rng.choice((-1, 0, 0, 1))
            names = (f"{_first_name(act.first_names_ar)} {act.family_name_ar}" if rng.random() < 0.5
                     else f"{_first_name(act.first_names_latin)} {act.family_name_latin}")
            criteria = ActSearch(name=names, kind=act.kind, event_from=datetime.date(year - 1, 1, 1),
                                 event_to=datetime.date(year + 1, 12, 31))
        elif kind == "parent and first name":
            parent = act.father_name_latin if rng.random() < 0.5 else act.mother_name_ar
            letters = LATIN_LETTERS if parent == act.father_name_latin else ARABIC_LETTERS
            criteria = ActSearch(name=_first_name(act.first_names_latin if letters == LATIN_LETTERS
                                                  else act.first_names_ar),
                                 parents=_slip_one(parent.split(), letters, rng))
        else:
            criteria = ActSearch(number=act.number, year=act.year, kind=act.kind if rng.random() < 0.5 else "")
        queries.append((kind, criteria, act.pk, (act.first_names_latin.split()[0], act.family_name_latin)))
    return queries


def namesakes(queries) -> dict[tuple[str, str], int]:
    """How many signed acts share each sought act's first first name and family name (in one scan)."""
    firsts, families = zip(*{names for *_query, names in queries}, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT split_part(first_names_latin, ' ', 1), family_name_latin, count(*) FROM civil_status_act "
            "WHERE status = 'signed' AND (split_part(first_names_latin, ' ', 1), family_name_latin) IN "
            "(SELECT * FROM unnest(%s::text[], %s::text[])) GROUP BY 1, 2", [list(firsts), list(families)])
        return {(first, family): count for first, family, count in cursor.fetchall()}


def naive_search(criteria, *, limit: int = 50) -> list:
    """The same criteria the naive way: ILIKE '%word%' on the raw name columns (no folding, no trigram index)."""
    from django.db.models import Q

    from modules.civil_status.selectors import _filtered

    acts = _filtered(criteria)
    for word in criteria.name.split():
        acts = acts.filter(Q(first_names_ar__icontains=word) | Q(family_name_ar__icontains=word)
                           | Q(first_names_latin__icontains=word) | Q(family_name_latin__icontains=word))
    for word in criteria.parents.split():
        acts = acts.filter(Q(father_name_ar__icontains=word) | Q(father_name_latin__icontains=word)
                           | Q(mother_name_ar__icontains=word) | Q(mother_name_latin__icontains=word))
    return list(acts.select_related("bureau").order_by("-event_date", "-pk")[:limit])


def measure(search, queries) -> tuple[list[float], dict[str, list[bool]]]:
    """Wall times (ms) of each query and, by kind, whether the act sought was among the results."""
    times, found = [], {}
    for kind, criteria, act_id, _names in queries:
        started = time.perf_counter()
        results = search(criteria)
        times.append((time.perf_counter() - started) * 1000)
        found.setdefault(kind, []).append(any(act.pk == act_id for act in results))
    return times, found


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def recall_text(found: dict[str, list[bool]]) -> str:
    return ", ".join(f"{kind} {sum(hits) / len(hits):.0%}" for kind, hits in sorted(found.items()))


def specific_recall_text(queries, found: dict[str, list[bool]], counts: dict[tuple[str, str], int]) -> str:
    """Of the queries by a name alone, the share found among those whose name fewer than a page of acts share (a
    name that more acts share can only be told apart by a date or a parent: the mix's other queries)."""
    hits = []
    for kind in NAME_ALONE:
        names = [names for query_kind, _criteria, _id, names in queries if query_kind == kind]
        hits += [hit for hit, name in zip(found.get(kind, []), names, strict=True) if counts.get(name, 0) < 50]
    return f"{sum(hits) / max(len(hits), 1):.0%} of the {len(hits)} with fewer than 50 namesakes"


def explain(criteria) -> str:
    """EXPLAIN ANALYZE of the search's main query, for the log."""
    from django.test.utils import CaptureQueriesContext

    from modules.civil_status import selectors

    with CaptureQueriesContext(connection) as captured:
        selectors.search_acts(criteria)
    statement = [query["sql"] for query in captured.captured_queries if "civil_status_act" in query["sql"]][-1]
    with selectors.tuned(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
        return "\n".join(row[0] for row in cursor.fetchall())


def run(console: Console) -> list[Figure]:
    from django_tenants.utils import tenant_context

    from modules.civil_status.selectors import search_acts

    commune = ensure_commune(console)
    with tenant_context(commune):
        queries = query_mix(SAMPLES + WARMUP)
        warmup, queries = queries[:WARMUP], queries[WARMUP:]
        measure(search_acts, warmup)
        times, found = measure(search_acts, queries)
        specific = specific_recall_text(queries, found, namesakes(queries))
        baseline_queries = queries[:: max(len(queries) // BASELINE_SAMPLES, 1)][:BASELINE_SAMPLES]
        baseline_times, baseline_found = measure(naive_search, baseline_queries)
        slowest = max(zip(times, queries, strict=True), key=lambda pair: pair[0])
        console.log(f"search: p50 {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms, max {slowest[0]:.1f} ms "
                    f"({slowest[1][0]}: {slowest[1][1]})")
        console.log(f"naive: p50 {statistics.median(baseline_times):.0f} ms, p95 {p95(baseline_times):.0f} ms")
        for label, criteria in (("common first name alone", replace(queries[0][1], name="mohamed", parents="",
                                                                     number=None, year=None, kind="")),
                                ("slowest query", slowest[1][1])):
            console.log(f"EXPLAIN ANALYZE, {label}: {criteria}")
            console.print(explain(criteria), markup=False, soft_wrap=True)
    detail = (
        f"value: p95 of {len(times)} search_acts() calls on a commune of {ACTS:,} synthetic acts (ORM included, "
        f"warm cache), a counter's mix: " + ", ".join(f"{share}% {kind}" for share, kind in MIX) + "; names typed "
        f"with one slip and the usual spelling variants. p50 {statistics.median(times):.1f} ms. Act sought found "
        f"among the results: {recall_text(found)} (names alone: {specific}). baseline: p95 of "
        f"{len(baseline_times)} of the same queries run naively (ILIKE '%word%' on the raw name columns, newest "
        f"first), p50 {statistics.median(baseline_times):.0f} ms, act found: {recall_text(baseline_found)}. "
        "Goal: value < 100 ms."
    )
    return [time_figure("civil_status.search_p95_ms", p95(times), p95(baseline_times), detail, unit="ms",
                        acts=ACTS)]
