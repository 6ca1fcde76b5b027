"""Checking every row of an import file and turning the good ones into rows ready for COPY.

Two passes over the file. The scan reads only the keys (registers, numbers, citizen identifiers, births and
the birth acts that deaths name), so that what the database knows is fetched in a few queries before the
check: no query runs per row, and none has to run while a COPY holds the connection. The check then reads every
cell and yields the good rows; the loader streams them into its COPY as they come, so that PostgreSQL inserts
on one core while Python checks on the other. Every problem is collected as (line, column, reason) in the
active language, so that the typist fixes the whole file at once.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.civil_status import citizen_id, rules
from modules.civil_status.importing.columns import BY_NAME, KINDS, SEXES, header_key
from modules.civil_status.importing.reading import ImportRefused, Table
from modules.civil_status.models import Act, Bureau
from platform_core.dates import format_hijri

# The act's table columns written by COPY, in this order (see Checker._row).
COPY_COLUMNS = (
    "id", "bureau_id", "kind", "status", "year", "number", "first_names_ar", "first_names_latin", "family_name_ar",
    "family_name_latin", "sex", "nationality", "lineage_proof", "citizen_id", "event_date", "event_time",
    "event_hijri", "event_place_fr", "event_place_ar", "father_name_ar", "father_name_latin", "father",
    "mother_name_ar", "mother_name_latin", "mother", "declarant", "birth_act_id", "judgment_court", "judgment_number",
    "judgment_date", "drawn_up_on", "drawn_up_hijri", "officer_name", "officer_capacity", "drafted_by_id",
    "drafted_at", "abandoned_reason", "signed_by_id", "signed_at",
)
KIND, YEAR, NUMBER, CITIZEN_ID = (COPY_COLUMNS.index(name) for name in ("kind", "year", "number", "citizen_id"))
# Problems kept in the batch's report; the count goes on beyond it.
MAX_PROBLEMS = 5000
FIRST_YEAR = 1800
MAX_NUMBER = 999_999  # no register reaches a million acts a year
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf")
REPORT_EVERY = 2000

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2})[:hH](\d{2})(?::(\d{2}))?")
_ACT_REFERENCE = re.compile(r"(?:([\w-]+)/)?(\d+)/(\d{4})")
# (limit, column), shortest limit first: a row whose longest cell is shorter than a limit needs no look at it.
_LIMITS = sorted((column.max_length, column.name) for column in BY_NAME.values() if column.max_length)
_PARENT_DETAILS = {parent: tuple((key, f"{parent}_{key}") for key in ("birth_place", "occupation", "address"))
                   for parent in ("father", "mother")}
_DECLARANT = (("name", "declarant_name"), ("age", "declarant_age"), ("occupation", "declarant_occupation"),
              ("address", "declarant_address"), ("relation", "declarant_relation"))
_NAME_FIELDS = ("first_names_ar", "first_names_latin", "family_name_ar", "family_name_latin", "lineage_proof")
_quote = encode_basestring  # a JSON string, non-ASCII kept as it is


def parse_date(text: str) -> datetime.date | None:
    """YYYY-MM-DD or DD/MM/YYYY; None when it is neither or no such day."""
    match = _ISO_DATE.fullmatch(text)
    try:
        if match:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        match = _FRENCH_DATE.fullmatch(text)
        if match:
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    return None


def parse_time(text: str) -> datetime.time | None:
    match = _TIME.fullmatch(text)
    try:
        return datetime.time(int(match[1]), int(match[2]), int(match[3] or 0)) if match else None
    except ValueError:
        return None


def image_names(text: str) -> list[str]:
    """The `image` cell: one or more names in the zip or folder, separated by semicolons."""
    return [str(PurePosixPath(name.strip().replace("\\", "/"))) for name in text.split(";") if name.strip()]


def act_kind(text: str) -> str | None:
    return KINDS.get(text) or KINDS.get(header_key(text))


def _reference(text: str, bureau_code: str) -> tuple[str, int, int] | None:
    """A birth act named by a death row: (bureau code, year, number), the import's bureau by default."""
    match = _ACT_REFERENCE.fullmatch(text)
    return (match[1] or bureau_code, int(match[3]), int(match[2])) if match else None


# --- The scan: the keys of the file, then what the database knows of them --------------------------------------


@dataclass
class Scan:
    rows: int = 0
    registers: set[tuple[str, int]] = field(default_factory=set)
    citizen_ids: set[str] = field(default_factory=set)
    births: dict[tuple[str, int, int], int] = field(default_factory=dict)  # (bureau, year, number) -> position
    birth_references: set[tuple[str, int, int]] = field(default_factory=set)


def scan(table: Table, bureau_code: str) -> Scan:
    """Read the keys of every row, unchecked: what the check will need to know of the database."""
    found, today = Scan(), timezone.localdate()
    position = {name: index for index, name in enumerate(table.columns) if name}
    columns = [position.get(name) for name in ("kind", "year", "number", "citizen_id", "birth_act")]
    for index, (_line, cells) in enumerate(table.rows):
        found.rows += 1
        kind_text, year_text, number_text, identifier, reference = (
            cells[at].strip() if at is not None else "" for at in columns)
        kind = act_kind(kind_text)
        if kind and year_text.isdecimal() and FIRST_YEAR <= int(year_text) <= today.year:
            found.registers.add((kind, int(year_text)))
            if kind == Act.Kind.BIRTH and number_text.isdecimal():
                found.births[(bureau_code, int(year_text), int(number_text))] = index
        if identifier:
            found.citizen_ids.add(identifier)
        if reference and (key := _reference(reference, bureau_code)):
            found.birth_references.add(key)
    return found


@dataclass
class Known:
    """What the registers already hold, for the keys the file uses."""

    numbers: dict[tuple[str, int], set[int]]  # (kind, year) -> numbers taken in the import's bureau
    citizen_ids: set[str]  # identifiers of the file already given
    birth_acts: dict[tuple[str, int, int], int]  # signed birth acts the deaths name -> id
    ids: list[int] | None  # the acts' ids, by position, when loading


def known(bureau: Bureau, found: Scan, *, new_ids: bool) -> Known:
    numbers: dict[tuple[str, int], set[int]] = {register: set() for register in found.registers}
    years = sorted({year for _kind, year in found.registers})
    if years:
        taken = Act.objects.filter(bureau=bureau, year__in=years, number__isnull=False)
        for kind, year, number in taken.values_list("kind", "year", "number").iterator(chunk_size=10000):
            numbers.setdefault((kind, year), set()).add(number)
    identifiers: set[str] = set()
    if found.citizen_ids:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT citizen_id FROM {Act._meta.db_table} WHERE citizen_id = ANY(%s)",
                           [list(found.citizen_ids)])
            identifiers = {value for (value,) in cursor.fetchall()}
    birth_acts = {}
    if found.birth_references:
        births = Act.objects.filter(kind=Act.Kind.BIRTH, status=Act.Status.SIGNED,
                                    year__in={year for _code, year, _number in found.birth_references},
                                    bureau__code__in={code for code, _year, _number in found.birth_references})
        for act_id, code, year, number in births.values_list("pk", "bureau__code", "year", "number"):
            if (code, year, number) in found.birth_references:
                birth_acts[(code, year, number)] = act_id
    return Known(numbers, identifiers, birth_acts, _new_ids(found.rows) if new_ids else None)


def _new_ids(count: int) -> list[int]:
    # Taken before the COPY so that page images and death acts can point at acts of the same COPY.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [Act._meta.db_table, count])
        return [value for (value,) in cursor.fetchall()]


# --- The check -----------------------------------------------------------------------------------------------


@dataclass
class Checked:
    """What the check of a file found."""

    problems: list[tuple[int, str, str]] = field(default_factory=list)
    problems_total: int = 0
    refused_lines: set[int] = field(default_factory=set)
    rows_total: int = 0
    registers: dict[tuple[str, int], tuple[int, int, int]] = field(default_factory=dict)  # -> first, last, count
    images: list[tuple[int, list[str]]] = field(default_factory=list)  # (act id, names in the archive)
    citizen_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problems_total == 0 and self.rows_total > 0


class Checker:
    """Checks the rows of one file for one bureau against what `known` says of the registers."""

    def __init__(self, bureau: Bureau, *, actor_id: int, known: Known, found: Scan,
                 archive_names: set[str] | None, progress: Callable[[float], None] | None = None):
        self.bureau, self.actor_id, self.known, self.found = bureau, actor_id, known, found
        self.archive_names = archive_names
        self.progress = progress or (lambda fraction: None)
        self.result = Checked()
        self.today = timezone.localdate()
        self.now = timezone.now()
        self._dates: dict[str, datetime.date | None] = {}
        self._hijri: dict[datetime.date, str | ValueError] = {}
        self._signed_at: dict[datetime.date, datetime.datetime] = {}
        self._names: dict[tuple[str, ...], list[tuple[str, str]]] = {}

    def rows(self, table: Table) -> Iterator[list]:
        """The good rows, in COPY_COLUMNS order, for as long as no row has been refused; every row is checked
        either way, and `result` holds what was found once the iterator is exhausted."""
        result, labels, columns = self.result, table.labels, table.columns
        seen_acts: dict[tuple[str, int, int], int] = {}
        seen_ids: dict[str, int] = {}
        blank = dict.fromkeys(BY_NAME, "")
        named = [index for index, name in enumerate(columns) if name]
        names = [columns[index] for index in named]
        every_column_named = len(named) == len(columns)
        for position, (line, cells) in enumerate(table.rows):
            values = blank.copy()
            picked = cells if every_column_named else [cells[index] for index in named]
            values.update(zip(names, map(str.strip, picked), strict=True))
            result.rows_total += 1
            problems: list[tuple[str, str]] = []
            row = self._row(values, problems)
            if row is not None:
                self._check_keys(row, line, values, seen_acts, seen_ids, problems)
            if problems:
                self._refuse(line, problems, labels)
            elif not result.problems_total:
                yield self._accept(row, position, values)
            if result.rows_total % REPORT_EVERY == 0:
                self.progress(table.done() / max(table.size, 1))
        if result.rows_total == 0:
            raise ImportRefused([(2, "", _("The file holds no act."))])

    def _accept(self, row: list, position: int, values: dict[str, str]) -> list:
        result = self.result
        if self.known.ids is not None:
            row[0] = self.known.ids[position]
        register, number = (row[KIND], row[YEAR]), row[NUMBER]
        first, last, count = result.registers.get(register, (number, number, 0))
        result.registers[register] = (min(first, number), max(last, number), count + 1)
        if row[CITIZEN_ID] is not None:
            result.citizen_ids.append(row[CITIZEN_ID])
        if values["image"]:
            result.images.append((row[0], image_names(values["image"])))
        return row

    def _refuse(self, line: int, problems: list[tuple[str, str]], labels: dict[str, str]) -> None:
        result = self.result
        result.refused_lines.add(line)
        for column, reason in problems:
            result.problems_total += 1
            if len(result.problems) < MAX_PROBLEMS:
                result.problems.append((line, labels.get(column, column), reason))

    # --- Across the file and against the registers -------------------------------------------------------------

    def _check_keys(self, row, line, values, seen_acts, seen_ids, problems) -> None:
        key = (row[KIND], row[YEAR], row[NUMBER])
        if key in seen_acts:
            problems.append(("number", _("Act %(number)s/%(year)s (%(kind)s) is already on line %(line)s.")
                             % {"number": key[2], "year": key[1], "kind": _kind_label(key[0]), "line": seen_acts[key]}))
        else:
            seen_acts[key] = line
        if key[2] in self.known.numbers.get(key[:2], ()):
            problems.append(("number", _("Act %(number)s/%(year)s (%(kind)s) already exists in this bureau's register.")
                             % {"number": key[2], "year": key[1], "kind": _kind_label(key[0])}))
        identifier = row[CITIZEN_ID]
        if identifier is not None:
            if identifier in self.known.citizen_ids:
                problems.append(("citizen_id", _("This citizen identifier is already given to another act.")))
            elif identifier in seen_ids:
                problems.append(("citizen_id", _("This citizen identifier is already on line %(line)s.")
                                 % {"line": seen_ids[identifier]}))
            else:
                seen_ids[identifier] = line
        if values["birth_act"]:
            self._link_birth_act(row, values["birth_act"], problems)

    def _link_birth_act(self, row: list, text: str, problems: list) -> None:
        """A death act may name the deceased's birth act: a signed one of the commune, or one in the file."""
        reference = _reference(text, self.bureau.code)
        if reference in self.known.birth_acts:
            row[COPY_COLUMNS.index("birth_act_id")] = self.known.birth_acts[reference]
        elif reference in self.found.births:
            if self.known.ids is not None:
                row[COPY_COLUMNS.index("birth_act_id")] = self.known.ids[self.found.births[reference]]
        else:
            problems.append(("birth_act", _(
                "No signed birth act %(number)s/%(year)s in bureau “%(bureau)s”, in the register or in this file."
            ) % {"number": reference[2], "year": reference[1], "bureau": reference[0]}))

    # --- One row ----------------------------------------------------------------------------------------------

    def _row(self, v: dict[str, str], problems: list) -> list | None:
        """One row's cells (every column present, "" when empty) checked; the COPY row, or None if refused."""
        kind = act_kind(v["kind"])
        if kind is None:
            problems.append(("kind", _("Write “birth” or “death”.")))
        year = self._whole_number(v["year"], "year", problems, low=FIRST_YEAR, high=self.today.year)
        number = self._whole_number(v["number"], "number", problems, low=1, high=MAX_NUMBER)
        sex = SEXES.get(v["sex"].lower()) or SEXES.get(header_key(v["sex"]))
        if sex is None:
            problems.append(("sex", _("Write M or F.")))
        self._check_names(v, problems)
        longest = max(map(len, v.values()))
        for limit, name in _LIMITS:
            if limit >= longest:
                break
            if len(v[name]) > limit:
                problems.append((name, _("At most %(limit)s characters.") % {"limit": limit}))
        for name in ("event_place_fr", "event_place_ar", "officer_name"):
            if not v[name]:
                problems.append((name, _("This field is required.")))

        event_date = self._date(v["event_date"], "event_date", problems, required=True)
        drawn_up_on = self._date(v["drawn_up_on"], "drawn_up_on", problems, required=True)
        if event_date and drawn_up_on and event_date > drawn_up_on:
            problems.append(("event_date", _("The event cannot come after the day the act was drawn up.")))
        if drawn_up_on and year and drawn_up_on.year != year:
            problems.append(("year", _("An act is in the register of the year it was drawn up (%(year)s).")
                             % {"year": drawn_up_on.year}))
        event_time = None
        if v["event_time"]:
            event_time = parse_time(v["event_time"])
            if event_time is None:
                problems.append(("event_time", _("Write the time as HH:MM.")))
        event_hijri = v["event_hijri"] or self._hijri_of(event_date, "event_hijri", problems)
        drawn_up_hijri = v["drawn_up_hijri"] or self._hijri_of(drawn_up_on, "drawn_up_hijri", problems)

        identifier = v["citizen_id"] or None
        if identifier is not None:
            if kind == Act.Kind.DEATH:
                problems.append(("citizen_id", _("Only a birth act carries a citizen identifier.")))
            elif not citizen_id.is_valid(identifier):
                problems.append(("citizen_id", _("This citizen identifier is not valid (check digit).")))
        judgment_date = self._judgment(v, drawn_up_on, problems)
        father_birth = self._date(v["father_birth_date"], "father_birth_date", problems)
        mother_birth = self._date(v["mother_birth_date"], "mother_birth_date", problems)
        if v["declarant_age"]:
            self._whole_number(v["declarant_age"], "declarant_age", problems, low=0, high=130)
        if v["birth_act"]:
            if kind == Act.Kind.BIRTH:
                problems.append(("birth_act", _("Only a death act refers to the deceased's birth act.")))
            elif not _ACT_REFERENCE.fullmatch(v["birth_act"]):
                problems.append(("birth_act", _("Write the birth act as number/year, or bureau/number/year.")))
        if v["image"]:
            self._check_images(v["image"], problems)
        if problems:
            return None
        return [
            None, self.bureau.pk, kind, Act.Status.SIGNED, year, number, v["first_names_ar"],
            v["first_names_latin"], v["family_name_ar"], v["family_name_latin"], sex, v["nationality"],
            v["lineage_proof"], identifier, event_date, event_time, event_hijri, v["event_place_fr"],
            v["event_place_ar"], v["father_name_ar"], v["father_name_latin"], _parent(v, "father", father_birth),
            v["mother_name_ar"], v["mother_name_latin"], _parent(v, "mother", mother_birth),
            _json(v, _DECLARANT), None, v["judgment_court"], v["judgment_number"], judgment_date, drawn_up_on,
            drawn_up_hijri, v["officer_name"], v["officer_capacity"], self.actor_id, self.now, "", None,
            self._signed_at_of(drawn_up_on),
        ]

    def _whole_number(self, text: str, column: str, problems: list, *, low: int, high: int) -> int | None:
        if not text:
            problems.append((column, _("This field is required.")))
            return None
        if not text.isdecimal() or not low <= int(text) <= high:
            problems.append((column, _("Write a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}))
            return None
        return int(text)

    def _check_names(self, v: dict[str, str], problems: list) -> None:
        # Registers repeat names endlessly: each distinct set of names is put to the law's rules once.
        names = tuple(v[name] for name in _NAME_FIELDS)
        found = self._names.get(names)
        if found is None:
            found = []
            try:
                rules.check_names(*names)
            except ValidationError as refusal:
                found = [(name, message) for name, messages in refusal.message_dict.items() for message in messages]
            if len(self._names) < 100_000:
                self._names[names] = found
        problems.extend(found)

    def _date(self, text: str, column: str, problems: list, *, required: bool = False) -> datetime.date | None:
        if not text:
            if required:
                problems.append((column, _("This field is required.")))
            return None
        try:
            value = self._dates[text]
        except KeyError:
            value = self._dates[text] = parse_date(text)
        if value is None:
            problems.append((column, _("Write the date as YYYY-MM-DD or DD/MM/YYYY.")))
        elif value > self.today:
            problems.append((column, _("This date is in the future.")))
            return None
        return value

    def _hijri_of(self, day: datetime.date | None, column: str, problems: list) -> str:
        if day is None:
            return ""
        try:
            value = self._hijri[day]
        except KeyError:
            try:
                value = format_hijri(day, "ar")
            except ValueError as error:
                value = error
            self._hijri[day] = value
        if isinstance(value, ValueError):
            problems.append((column, _("Give the Hijri date: it cannot be computed for this day (%(why)s).")
                             % {"why": value}))
            return ""
        return value

    def _signed_at_of(self, day: datetime.date) -> datetime.datetime:
        # A paper act bears the day it was drawn up and signed, not an hour: the start of that day.
        try:
            return self._signed_at[day]
        except KeyError:
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
            self._signed_at[day] = moment
            return moment

    def _judgment(self, v: dict[str, str], drawn_up_on, problems: list) -> datetime.date | None:
        fields = ("judgment_court", "judgment_number", "judgment_date")
        if not (v["judgment_court"] or v["judgment_number"] or v["judgment_date"]):
            return None
        judgment_date = self._date(v["judgment_date"], "judgment_date", problems)
        if not all(v[name] for name in fields):
            missing = next(name for name in fields if not v[name])
            problems.append((missing, _("A declaratory judgment needs its court, number and date.")))
        if judgment_date and drawn_up_on and judgment_date > drawn_up_on:
            problems.append(("judgment_date", _("The judgment cannot come after the day the act was drawn up.")))
        return judgment_date

    def _check_images(self, text: str, problems: list) -> None:
        for name in image_names(text):
            if not name.lower().endswith(IMAGE_SUFFIXES):
                problems.append(("image", _("“%(name)s”: a scanned page is a JPEG, PNG, TIFF or PDF file.")
                                 % {"name": name}))
            elif self.archive_names is None:
                problems.append(("image", _("No scanned pages were uploaded with this file.")))
            elif name not in self.archive_names:
                problems.append(("image", _("“%(name)s” is not among the scanned pages uploaded.") % {"name": name}))


def _kind_label(kind: str) -> str:
    return str(Act.Kind(kind).label)


def _json(v: dict[str, str], pairs, extra: str = "") -> str:
    """A JSON object of the non-empty cells, keyed as the act's JSON documents are; written by hand, as
    json.dumps costs more than the rest of a row's check at this scale."""
    members = [f'"{key}": {_quote(v[column])}' for key, column in pairs if v[column]]
    if extra:
        members.append(extra)
    return "{" + ", ".join(members) + "}"


def _parent(v: dict[str, str], parent: str, birth_date: datetime.date | None) -> str:
    return _json(v, _PARENT_DETAILS[parent], f'"birth_date": "{birth_date.isoformat()}"' if birth_date else "")
