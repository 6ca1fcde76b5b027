"""Celery beat for hundreds of communes: each commune runs a per-commune job at its own time within a window.

tenant-schemas-celery's scheduler sends an entry to every schema at the same instant (the template and archived
communes included), a thundering herd on PostgreSQL, Redis and the SMS gateway at each beat. Here a per-commune
job declares its period and its window in CELERY_BEAT_SCHEDULE:

    "complaints-reminders": {"task": "...", "every": "day", "window": ("06:30", "08:00"),
                             "statuses": ("onboarding", "live")},

and beat keeps one entry per job and commune (`complaints-reminders@sefrou`) whose time is the window's start plus
a fraction of its length taken from a SHA-256 of the job's and the schema's names: stable across processes,
restarts and machines (Python's hash() is salted per process), spread evenly over the window, known in advance
(`timetable()`). An entry with `tenant_schemas` keeps the library's meaning (e.g. ["public"]: once, for the
platform); an entry with neither is refused, as "every schema at once" is what this module exists to avoid.

Each entry fires once per period: it is due when its slot in the current period has passed and it last ran
before that slot. The time of each run is written to beat's schedule file right after the task is sent, so a
restarted beat neither repeats a commune nor, after an outage, forgets one whose slot went by (it runs it late,
once). Beat reads the list of communes every `refresh_every` seconds, so new communes get their entries without a
restart and archived ones lose them; the commune's status is checked again when its task is sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from celery.schedules import BaseSchedule
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, close_old_connections
from django_tenants.utils import get_public_schema_name, schema_context
from tenant_schemas_celery.scheduler import TenantAwarePersistentScheduler

from tenants.models import Commune

logger = logging.getLogger(__name__)

PERIODS = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1)}
# Jobs run in onboarding and live communes unless their entry says otherwise: a suspended commune's staff cannot
# work in it, so jobs that write to people skip it; housekeeping that should go on (storage) lists it.
DEFAULT_STATUSES = (Commune.Status.ONBOARDING, Commune.Status.LIVE)
# Never: an archived commune is closed, and the template is a mould for new communes, not a commune.
NEVER = (Commune.Status.ARCHIVED,)
STAGGER_KEYS = {"every", "window", "statuses"}


def _clock(text: str, name: str) -> dt.timedelta:
    """"HH:MM" (or "HH:MM:SS") as time since the period's start."""
    try:
        parts = [int(part) for part in text.split(":")]
        if len(parts) not in (2, 3) or min(parts) < 0 or parts[1] > 59 or (len(parts) == 3 and parts[2] > 59):
            raise ValueError(text)
    except (AttributeError, ValueError):
        raise ImproperlyConfigured(f"beat entry {name!r}: window times are 'HH:MM', not {text!r}") from None
    return dt.timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2] if len(parts) == 3 else 0)


def fraction(job: str, schema: str) -> float:
    """Where in its window the schema runs the job, in [0, 1): the first 8 bytes of a SHA-256, the same in every
    process (unlike hash(), salted per process)."""
    digest = hashlib.sha256(f"{job}\x00{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class CommuneJob:
    """One per-commune entry of CELERY_BEAT_SCHEDULE: its task, period and window, and which communes get it."""

    name: str
    task: str
    every: str
    start: dt.timedelta
    end: dt.timedelta
    statuses: tuple[str, ...]
    args: tuple = ()
    kwargs: dict | None = None
    options: dict | None = None

    @classmethod
    def from_setting(cls, name: str, entry: dict) -> CommuneJob:
        every = entry.get("every")
        if every not in PERIODS:
            raise ImproperlyConfigured(f"beat entry {name!r}: 'every' is one of {sorted(PERIODS)}, not {every!r}")
        if "schedule" in entry or "tenant_schemas" in entry:
            raise ImproperlyConfigured(f"beat entry {name!r}: a per-commune job has a window, not a schedule "
                                       "or tenant_schemas")
        period = PERIODS[every]
        start, end = (_clock(text, name) for text in entry.get("window", ("00:00", "24:00" if every == "day"
                                                                           else "01:00")))
        if not dt.timedelta(0) <= start < end <= period:
            raise ImproperlyConfigured(f"beat entry {name!r}: the window must lie within one {every}, start first")
        statuses = tuple(entry.get("statuses", DEFAULT_STATUSES))
        unknown = set(statuses) - set(Commune.Status.values)
        if unknown or set(statuses) & set(NEVER):
            raise ImproperlyConfigured(f"beat entry {name!r}: statuses among onboarding, live, suspended, "
                                       f"not {sorted(unknown or set(statuses) & set(NEVER))}")
        return cls(name=name, task=entry["task"], every=every, start=start, end=end, statuses=statuses,
                   args=tuple(entry.get("args", ())), kwargs=entry.get("kwargs"), options=entry.get("options"))

    def offset(self, schema: str) -> dt.timedelta:
        """The schema's slot, as time since the period's start (whole seconds)."""
        length = (self.end - self.start).total_seconds()
        return self.start + dt.timedelta(seconds=int(fraction(self.name, schema) * length))

    def accepts(self, status: str, kind: str) -> bool:
        return kind != Commune.Kind.TEMPLATE and status in self.statuses

    def entry_for(self, schema: str) -> dict:
        options = dict(self.options or {})
        options["headers"] = {**options.get("headers", {}), "_schema_name": schema}
        return {"task": self.task, "schedule": StaggeredSchedule(self.every, int(self.offset(schema).total_seconds())),
                "args": self.args, "kwargs": dict(self.kwargs or {}), "options": options}


def is_per_commune(entry: dict) -> bool:
    return bool(STAGGER_KEYS & set(entry))


def commune_jobs(beat_schedule: dict | None = None) -> dict[str, CommuneJob]:
    """The per-commune jobs of the beat schedule (settings.CELERY_BEAT_SCHEDULE by default), by name."""
    beat_schedule = settings.CELERY_BEAT_SCHEDULE if beat_schedule is None else beat_schedule
    return {name: CommuneJob.from_setting(name, entry) for name, entry in beat_schedule.items()
            if is_per_commune(entry)}


class StaggeredSchedule(BaseSchedule):
    """Once per period (a day in the app's time zone, or an hour), at `offset_s` seconds after its start.

    Daily slots are wall-clock times in the app's zone (CELERY_TIMEZONE): 06:47 stays 06:47 when Morocco
    changes its clocks for Ramadan. Instants are compared in UTC, so a repeated hour cannot fire a slot twice.
    """

    def __init__(self, every: str, offset_s: int, nowfun=None, app=None):
        self.every = every
        self.offset_s = int(offset_s)
        super().__init__(nowfun=nowfun, app=app)

    def _slot(self, moment: dt.datetime, periods_later: int = 0) -> dt.datetime:
        """The slot of the period holding `moment` (shifted by whole periods), in UTC."""
        if self.every == "hour":
            # Morocco's offsets are whole hours: a local hour is a UTC hour.
            start = moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
            return start + dt.timedelta(hours=periods_later, seconds=self.offset_s)
        day = moment.astimezone(self.tz).date() + dt.timedelta(days=periods_later)
        local = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz) + dt.timedelta(seconds=self.offset_s)
        return local.astimezone(dt.UTC)

    def _bounds(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The latest slot at or before now, and the first one after it."""
        current = self._slot(now)
        if current <= now:
            return current, self._slot(now, 1)
        return self._slot(now, -1), current

    def is_due(self, last_run_at: dt.datetime) -> tuple[bool, float]:
        now = self.maybe_make_aware(self.now())
        latest, following = self._bounds(now)
        due = self.maybe_make_aware(last_run_at) < latest
        return due, max((following - now).total_seconds(), 0.0)

    def remaining_estimate(self, last_run_at: dt.datetime) -> dt.timedelta:
        now = self.maybe_make_aware(self.now())
        latest, following = self._bounds(now)
        if self.maybe_make_aware(last_run_at) < latest:
            return dt.timedelta(0)
        return following - now

    def __reduce__(self):
        return self.__class__, (self.every, self.offset_s)

    def __eq__(self, other):
        if isinstance(other, StaggeredSchedule):
            return (self.every, self.offset_s) == (other.every, other.offset_s)
        return NotImplemented

    def __hash__(self):
        return hash((self.every, self.offset_s))

    def __repr__(self):
        return f"<staggered: every {self.every} at +{dt.timedelta(seconds=self.offset_s)}>"


class StaggeredTenantScheduler(TenantAwarePersistentScheduler):
    """tenant-schemas-celery's persistent scheduler, with one entry per per-commune job and commune."""

    #: Seconds between two reads of the commune list (new communes, archived ones, status changes).
    refresh_every = 60

    _jobs: dict[str, CommuneJob] | None = None
    _refreshed_at: dt.datetime | None = None

    # --- Entries ------------------------------------------------------------------------------------------

    _known: dict[str, tuple[str, str]] | None = None  # schema -> (status, kind) at the last refresh
    _rows: list | None = None  # the commune list the entries were last made from
    _entries_changed = True

    def _communes(self) -> list[tuple[str, str, str]]:
        with schema_context(get_public_schema_name()):
            rows = list(Commune.objects.exclude(schema_name=get_public_schema_name())
                        .exclude(kind=Commune.Kind.TEMPLATE).exclude(status__in=NEVER)
                        .order_by("schema_name").values_list("schema_name", "status", "kind"))
        self._known = {schema: (status, kind) for schema, status, kind in rows}
        return rows

    def _commune_entries(self, rows) -> dict[str, dict]:
        return {f"{job.name}@{schema}": job.entry_for(schema)
                for job in self._jobs.values() for schema, status, kind in rows if job.accepts(status, kind)}

    def _status_now(self, schema: str) -> tuple[str, str] | None:
        """The commune's (status, kind) as it is now; as at the last refresh if the database does not answer."""
        try:
            with schema_context(get_public_schema_name()):
                return Commune.objects.filter(schema_name=schema).values_list("status", "kind").first()
        except DatabaseError:
            logger.exception("Could not read the commune %s; using its status of the last minute", schema)
            close_old_connections()  # a connection the server dropped is replaced at the next query
            return (self._known or {}).get(schema)

    def _job_of(self, entry_name: str) -> CommuneJob | None:
        name, at, _schema = entry_name.partition("@")
        return self._jobs.get(name) if at and self._jobs else None

    def _tenant_aware_beat_schedule_to_dict(self, beat_schedule):
        self._jobs = commune_jobs(beat_schedule)
        others = {name: entry for name, entry in beat_schedule.items() if name not in self._jobs}
        for name, entry in others.items():
            if "tenant_schemas" not in entry:
                raise ImproperlyConfigured(
                    f"beat entry {name!r}: give it a window (every, window, statuses) to run in each commune at "
                    "its own time, or tenant_schemas (e.g. ['public']); sending it to every schema at once is "
                    "not allowed")
        result = super()._tenant_aware_beat_schedule_to_dict(others)
        self._rows = self._communes()
        result.update(self._commune_entries(self._rows))
        self._refreshed_at = self.app.now()
        return result

    def refresh(self) -> None:
        """Add entries for new communes and drop those of archived or deleted ones; the other entries, and the
        time each one last ran, are kept. One query when nothing changed."""
        rows = self._communes()
        self._refreshed_at = self.app.now()
        if rows == self._rows:
            return
        wanted = self._commune_entries(rows)
        schedule = self.schedule
        for name in [name for name in schedule if self._job_of(name) and name not in wanted]:
            del schedule[name]
        for name, fields in wanted.items():
            if name not in schedule:  # an entry's fields follow from its job and schema: the others stay as they are
                schedule[name] = self.Entry(**dict(fields, name=name, app=self.app))
                self._remembered(name, schedule[name])  # a commune back from suspension
        self._rows = rows
        self._entries_changed = True

    def schedules_equal(self, old_schedules, new_schedules):
        # Entries change only in refresh(), which says so; Celery would compare every entry at every tick.
        return not self._entries_changed

    def populate_heap(self, *args, **kwargs):
        self._entries_changed = False
        super().populate_heap(*args, **kwargs)

    def sync(self):
        super().sync()
        # After a sync, shelve hands back freshly unpickled entries, which know no app (its clock and time zone).
        if self._store is not None:
            for entry in self.schedule.values():
                entry.app = self.app
                entry.schedule.app = self.app

    def close(self):
        super().close()
        self._store = None  # beat closes twice when stopped by a signal; the second time finds nothing to write

    def tick(self, *args, **kwargs):
        now = self.app.now()
        if self._refreshed_at is None or (now - self._refreshed_at).total_seconds() >= self.refresh_every:
            try:
                self.refresh()
            except DatabaseError:  # the database is away for a moment: keep the entries beat has, try again later
                logger.exception("Could not read the communes; keeping the current entries")
                close_old_connections()
                self._refreshed_at = now
        delay = super().tick(*args, **kwargs)
        return min(delay, max(self.refresh_every - (self.app.now() - self._refreshed_at).total_seconds(), 0))

    # --- Sending ------------------------------------------------------------------------------------------

    def apply_entry(self, entry, producer=None):
        job = self._job_of(entry.name)
        schema = entry.options.get("headers", {}).get("_schema_name")
        if job is not None:
            commune = self._status_now(schema)
            if commune is not None and job.accepts(*commune):
                self._send(entry, schema, producer)
            else:
                logger.info("Skipping %s: the commune %s is gone or no longer %s", entry.name, schema,
                            "/".join(job.statuses))
        elif schema in (None, get_public_schema_name()):
            # The library looks for a Commune row named "public" (there is none: it would send nothing) and fails
            # on Celery's own entries (celery.backend_cleanup), which name no schema: both go to public.
            self._send(entry, get_public_schema_name(), producer)
        else:
            super().apply_entry(entry, producer=producer)
        self._write_down(entry.name)

    # --- When each entry last ran -------------------------------------------------------------------------
    # Celery writes the whole schedule to its file every few minutes; a beat killed in between would send again
    # what it sent last. Each send is written down at once, as a small record of its own (one entry's time, not
    # the whole schedule), and read back when beat starts.

    RAN = "ran:"

    def _write_down(self, name: str) -> None:
        if self._store is None:
            return
        self._store[self.RAN + name] = self.schedule[name].last_run_at  # reserve() moved it to this run
        sync = getattr(self._store.dict, "sync", None)
        if sync is not None:
            sync()

    def _remembered(self, name: str, entry) -> None:
        ran = self._store.get(self.RAN + name) if self._store is not None else None
        if ran is not None and ran > entry.last_run_at:
            entry.last_run_at = ran

    def merge_inplace(self, b):
        super().merge_inplace(b)
        for name, entry in self.schedule.items():
            self._remembered(name, entry)

    def _send(self, entry, schema, producer):
        logger.info("Sending %s (%s) to %s", entry.name, entry.task, schema)
        with schema_context(schema):
            try:
                self.apply_async(entry, producer=producer, advance=False)
            except Exception:
                logger.exception("Could not send %s to %s", entry.task, schema)


@dataclass(frozen=True)
class Run:
    job: str
    task: str
    at: dt.datetime  # local time (CELERY_TIMEZONE)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.job} ({self.task})"


def timetable(schema_name: str, day: dt.date | None = None) -> list[Run]:
    """When the per-commune jobs run for this schema on `day` (today by default), in local time: what beat does,
    computed from the settings (beat need not be running)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(settings.CELERY_TIMEZONE)
    day = day or dt.datetime.now(zone).date()
    runs = []
    for job in commune_jobs().values():
        offset = job.offset(schema_name)
        if job.every == "day":
            runs.append(Run(job.name, job.task, dt.datetime.combine(day, dt.time(0), tzinfo=zone) + offset))
            continue
        first_hour = dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        last_hour = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        hour = first_hour
        while hour < last_hour:
            runs.append(Run(job.name, job.task, (hour + offset).astimezone(zone)))
            hour += dt.timedelta(hours=1)
    return sorted(runs, key=lambda run: run.at)
