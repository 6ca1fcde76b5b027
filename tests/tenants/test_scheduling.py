"""Beat across many communes (tenants.scheduling): 300 communes (rows, no schemas) over simulated days, the real
scheduler and the real CELERY_BEAT_SCHEDULE driven by a fake clock, with only the sending itself recorded instead
of going to the broker."""

import copy
import datetime as dt
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from tenant_schemas_celery.app import CeleryApp

from tenants.models import Commune
from tenants.scheduling import CommuneJob, StaggeredTenantScheduler, commune_jobs, fraction, timetable

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo(settings.CELERY_TIMEZONE)
DAY = dt.date(2026, 11, 23)
COMMUNES = 300


@dataclass(frozen=True)
class Sent:
    job: str
    task: str
    schema: str  # the connection's schema when the task was sent: tenant-schemas-celery puts it in the headers
    at: dt.datetime


class Clock:
    def __init__(self, start: dt.datetime):
        self.now = start.astimezone(ZONE)

    def __call__(self) -> dt.datetime:
        return self.now


class RecordingScheduler(StaggeredTenantScheduler):
    """The real scheduler; only apply_async, which would hand the message to the broker, records it instead."""

    producer = None  # no broker connection

    def __init__(self, *args, sent: list, **kwargs):
        self.sent = sent
        super().__init__(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        header = entry.options.get("headers", {}).get("_schema_name")
        assert header in (None, connection.schema_name)
        self.sent.append(Sent(entry.name.partition("@")[0], entry.task, connection.schema_name, self.app.now()))


def make_app(clock: Clock, beat_schedule: dict | None = None) -> CeleryApp:
    app = CeleryApp("beat-test", set_as_current=False)
    app.conf.update(timezone=settings.CELERY_TIMEZONE, broker_url="memory://",
                    beat_schedule=copy.deepcopy(beat_schedule or settings.CELERY_BEAT_SCHEDULE))
    app.now = clock
    return app


def start_beat(app, tmp_path, sent) -> RecordingScheduler:
    return RecordingScheduler(app=app, schedule_filename=str(tmp_path / "celerybeat-schedule"), sent=sent)


def run_until(scheduler, clock: Clock, until: dt.datetime, events: dict | None = None) -> None:
    """Tick as beat does, moving the clock by what each tick asks to sleep (at least a millisecond, the time a
    send takes); `events` are {time: callable} applied when the clock passes them."""
    pending = sorted((events or {}).items())
    while clock.now < until:
        while pending and pending[0][0] <= clock.now:
            pending.pop(0)[1]()
        delay = max(scheduler.tick(), 0.001)
        step = clock.now + dt.timedelta(seconds=delay)
        if pending:
            step = min(step, pending[0][0])
        clock.now = min(step, until).astimezone(ZONE)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


@pytest.fixture
def communes(db):
    """300 communes as rows of the public schema (no schemas: nothing is sent to a real worker): live,
    onboarding and training ones, plus one suspended and one archived; the template already exists."""
    rows = []
    for number in range(COMMUNES):
        status = Commune.Status.ONBOARDING if number % 7 == 0 else Commune.Status.LIVE
        kind = Commune.Kind.TRAINING if number % 11 == 0 else Commune.Kind.PRODUCTION
        rows.append(Commune(schema_name=f"beat_{number:03d}", slug=f"beat-{number:03d}", name_fr=f"Commune {number}",
                            name_ar=f"جماعة {number}", kind=kind, status=status))
    rows.append(Commune(schema_name="beat_suspended", slug="beat-suspended", name_fr="Suspendue", name_ar="موقوفة",
                        status=Commune.Status.SUSPENDED))
    rows.append(Commune(schema_name="beat_archived", slug="beat-archived", name_fr="Archivée", name_ar="مؤرشفة",
                        status=Commune.Status.ARCHIVED))
    Commune.objects.bulk_create(rows)
    assert Commune.objects.filter(kind=Commune.Kind.TEMPLATE).exists()
    return rows


def eligible(job: CommuneJob) -> set[str]:
    return {schema for schema, status, kind in Commune.objects.exclude(schema_name="public")
            .values_list("schema_name", "status", "kind") if kind != "template" and status in job.statuses}


def per_job(sent: list[Sent]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for item in sent:
        counts.setdefault(item.job, Counter())[item.schema] += 1
    return counts


def test_a_day_of_300_communes_each_once_in_its_window_spread_evenly(communes, tmp_path):
    clock = Clock(local(DAY, 0))
    sent: list[Sent] = []
    scheduler = start_beat(make_app(clock), tmp_path, sent)
    jobs = commune_jobs()
    expected = {name: eligible(job) for name, job in jobs.items()}
    assert len(expected["complaints-reminders"]) >= COMMUNES  # the suite's own communes are in it too

    born = {}

    def create_commune():  # at 03:00, after storage-usage started and before the reminders' window
        born["at"] = clock.now
        Commune.objects.create(schema_name="beat_newborn", slug="beat-newborn", name_fr="Nouvelle",
                               name_ar="جديدة", status=Commune.Status.ONBOARDING)

    def archive_one():  # at 05:00, before its reminders' slot (06:30 at the earliest)
        Commune.objects.filter(schema_name="beat_001").update(status=Commune.Status.ARCHIVED)

    run_until(scheduler, clock, local(DAY + dt.timedelta(days=1), 0, 1),
              events={local(DAY, 3): create_commune, local(DAY, 5): archive_one})
    scheduler.close()
    counts = per_job(sent)

    for name, job in jobs.items():
        got = counts[name]
        assert set(got.values()) == {1}, f"{name}: a commune got it more than once"
        schemas = set(got)
        # The newborn gets the job if its slot comes after its creation; the commune archived at 05:00 if its
        # slot came before.
        newborn = local(DAY, 0) + job.offset("beat_newborn") > born["at"]
        archived_late = local(DAY, 0) + job.offset("beat_001") < local(DAY, 5)
        assert schemas == ((expected[name] - ({"beat_001"} if not archived_late else set()))
                           | ({"beat_newborn"} if newborn else set()))
        assert not schemas & {"template", "beat_archived", "public"}
        if name == "complaints-reminders":
            assert "beat_suspended" not in schemas and "beat_newborn" in schemas
        else:
            assert "beat_suspended" in schemas

        window_start, window_end = local(DAY, 0) + job.start, local(DAY, 0) + job.end
        minutes = Counter()
        for item in (item for item in sent if item.job == name):
            assert window_start <= item.at < window_end
            # The commune runs at the time timetable() announces (to the second, a send takes a millisecond).
            announced = next(run.at for run in timetable(item.schema, DAY) if run.job == name)
            assert dt.timedelta(0) <= item.at - announced < dt.timedelta(seconds=1)
            minutes[(item.at - window_start) // dt.timedelta(minutes=1)] += 1
        average = len(schemas) / ((window_end - window_start) / dt.timedelta(minutes=1))
        # Hash places are uniform, not a grid: a busy minute has a few times the average, never the whole herd.
        assert max(minutes.values()) <= 5 * average, f"{name}: {minutes.most_common(3)} for {average:.1f}/min"

    # The platform's own entry: once, in the public schema, a day after beat started.
    public = [item for item in sent if item.job == "sandbox-expiry"]
    assert [item.schema for item in public] == ["public"]
    assert public[0].task == "tenants.tasks.expire_training_sandboxes"
    # Celery's own clean-up entry names no schema: it goes to public too, instead of failing in the library.
    assert {item.schema for item in sent if item.job == "celery.backend_cleanup"} == {"public"}


def test_a_restarted_beat_neither_repeats_nor_forgets_a_commune(communes, tmp_path):
    clock = Clock(local(DAY, 0))
    sent: list[Sent] = []
    first = start_beat(make_app(clock), tmp_path, sent)
    run_until(first, clock, local(DAY, 7, 10))  # in the middle of the reminders' window
    first.close()
    before = len(sent)
    assert 0 < len([item for item in sent if item.job == "complaints-reminders"]) < COMMUNES

    # Beat is down for twenty minutes; the communes whose slot went by meanwhile run once when it is back.
    clock.now = local(DAY, 7, 30)
    second = start_beat(make_app(clock), tmp_path, sent)
    run_until(second, clock, local(DAY, 7, 30) + dt.timedelta(seconds=1))
    late = [item for item in sent[before:] if item.job == "complaints-reminders"]
    job = commune_jobs()["complaints-reminders"]
    missed = {schema for schema in eligible(job)
              if local(DAY, 7, 10) <= local(DAY, 0) + job.offset(schema) < local(DAY, 7, 30)}
    assert missed and {item.schema for item in late} == missed
    run_until(second, clock, local(DAY, 23, 59))
    second.close()

    counts = per_job(sent)
    for name in ("complaints-reminders", "storage-usage"):
        assert set(counts[name].values()) == {1}
        assert set(counts[name]) == eligible(commune_jobs()[name])


def test_a_beat_killed_mid_window_sends_nothing_twice(communes, tmp_path):
    """kill -9: the schedule file is left as it was on disk at that instant (Celery writes the whole schedule
    only every few minutes); the new beat starts from a copy of it."""
    clock = Clock(local(DAY, 0))
    sent: list[Sent] = []
    first = start_beat(make_app(clock), tmp_path, sent)
    run_until(first, clock, local(DAY, 7, 10))
    crashed = tmp_path / "after-crash"
    crashed.mkdir()
    for part in tmp_path.glob("celerybeat-schedule*"):
        shutil.copy(part, crashed / part.name)
    second = start_beat(make_app(clock), crashed, sent)
    run_until(second, clock, local(DAY, 23, 59))
    second.close()
    first.close()
    for name in ("complaints-reminders", "storage-usage"):
        counts = per_job(sent)[name]
        assert set(counts.values()) == {1}
        assert set(counts) == eligible(commune_jobs()[name])


def test_the_next_day_everyone_runs_again_once(communes, tmp_path):
    clock = Clock(local(DAY, 12))
    sent: list[Sent] = []
    scheduler = start_beat(make_app(clock), tmp_path, sent)
    # Started at noon: today's windows are over, nothing is sent late for a day beat never saw.
    run_until(scheduler, clock, local(DAY + dt.timedelta(days=2), 12))
    scheduler.close()
    for name, job in commune_jobs().items():
        days = Counter((item.schema, item.at.date()) for item in sent if item.job == name)
        assert set(days.values()) == {1}
        assert {day for _schema, day in days} == {DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)}
        assert len(days) == 2 * len(eligible(job))


@pytest.mark.parametrize("day", [dt.date(2026, 2, 15), dt.date(2026, 3, 22)], ids=["clocks-back", "clocks-forward"])
def test_clock_changes_in_the_night_window_still_run_each_commune_once(communes, tmp_path, day):
    """Morocco changes its clocks around Ramadan at 02:00-03:00, inside the storage-usage window."""
    clock = Clock(local(day, 0))
    sent: list[Sent] = []
    scheduler = start_beat(make_app(clock), tmp_path, sent)
    run_until(scheduler, clock, local(day, 6))
    scheduler.close()
    counts = per_job(sent)["storage-usage"]
    assert set(counts.values()) == {1}
    assert set(counts) == eligible(commune_jobs()["storage-usage"])


def test_an_hourly_job_runs_each_commune_once_an_hour_within_its_minutes(communes, tmp_path):
    schedule = {"hourly": {"task": "tests.hourly", "every": "hour", "window": ("00:10", "00:50")}}
    clock = Clock(local(DAY, 9))
    sent: list[Sent] = []
    scheduler = start_beat(make_app(clock, schedule), tmp_path, sent)
    run_until(scheduler, clock, local(DAY, 12))
    scheduler.close()
    hours = Counter((item.schema, item.at.hour) for item in sent if item.job == "hourly")
    assert set(hours.values()) == {1}
    assert len(hours) == 3 * len(eligible(commune_jobs(schedule)["hourly"]))
    assert all(10 <= item.at.minute < 50 for item in sent if item.job == "hourly")


def test_offsets_are_stable_across_processes_and_within_the_window():
    jobs = commune_jobs()
    job = jobs["complaints-reminders"]
    # Another interpreter, with another hash() salt, computes the same places.
    code = ("import django; django.setup(); from tenants.scheduling import fraction; "
            "print(fraction('complaints-reminders', 'sefrou'))")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "platform_core.settings"}
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=settings.BASE_DIR, env=env)
    assert float(other.stdout) == fraction("complaints-reminders", "sefrou")
    assert fraction("complaints-reminders", "sefrou") != fraction("storage-usage", "sefrou")
    for number in range(COMMUNES):
        offset = job.offset(f"beat_{number:03d}")
        assert job.start <= offset < job.end
        assert offset == job.offset(f"beat_{number:03d}")


def test_timetable_shows_when_a_commune_runs(sefrou):
    runs = {run.job: run for run in timetable("sefrou", DAY)}
    assert set(runs) == set(commune_jobs())
    reminders = runs["complaints-reminders"]
    assert reminders.task == "modules.complaints.tasks.send_reminders"
    assert local(DAY, 6, 30) <= reminders.at < local(DAY, 8)
    assert timetable("berkane", DAY) != timetable("sefrou", DAY)


@pytest.mark.parametrize("entry, message", [
    ({"task": "x", "schedule": 60}, "tenant_schemas"),
    ({"task": "x", "every": "week"}, "every"),
    ({"task": "x", "every": "day", "window": ("05:00", "04:00")}, "window"),
    ({"task": "x", "every": "day", "window": ("4h", "5h")}, "HH:MM"),
    ({"task": "x", "every": "day", "statuses": ("live", "archived")}, "statuses"),
    ({"task": "x", "every": "day", "schedule": 60}, "window"),
])
def test_a_schedule_that_would_fire_everywhere_at_once_or_is_unclear_is_refused(db, tmp_path, entry, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        start_beat(make_app(Clock(local(DAY, 0)), {"job": entry}), tmp_path, [])
