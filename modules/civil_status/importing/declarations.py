"""The paper registers a commune declares at onboarding, and how much of them the database already holds.

The backlog is measured register by register: a register counts for at most the acts declared in it (an extra act
typed in one register does not make up for a missing one in another), so the share only reaches 100 % when every
declared register is there in full.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.civil_status.importing.models import DeclaredRegister
from modules.civil_status.models import Act, Bureau
from platform_core.audit import services as audit
from platform_core.modules.checklist import percent
from tenants.recipes import RecipeError

FIELDS = ("bureau", "kind", "year", "acts_declared", "note")
REQUIRED_IN_RECIPE = ("bureau", "kind", "year", "acts_declared")
ONE_PER_REGISTER = "one_declaration_per_register"


# --- reads ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterProgress:
    register: DeclaredRegister
    acts_found: int  # signed acts of the bureau, kind and year in the database, imported or typed

    @property
    def acts_counted(self) -> int:
        return min(self.acts_found, self.register.acts_declared)

    @property
    def percent(self) -> int:
        return percent(self.acts_counted, self.register.acts_declared)


@dataclass(frozen=True)
class Backlog:
    registers: list[RegisterProgress]

    @property
    def declared(self) -> int:
        return sum(row.register.acts_declared for row in self.registers)

    @property
    def counted(self) -> int:
        return sum(row.acts_counted for row in self.registers)

    @property
    def percent(self) -> int:
        return percent(self.counted, self.declared)

    @property
    def complete(self) -> bool:
        return bool(self.registers) and self.counted == self.declared


def backlog() -> Backlog:
    """Every declared register of the current commune with the signed acts found for it, in one query (the count
    per register walks the index of the register's numbers)."""
    found = (Act.objects.filter(bureau=OuterRef("bureau"), kind=OuterRef("kind"), year=OuterRef("year"),
                                status=Act.Status.SIGNED)
             .order_by().values("bureau").annotate(count=Count("pk")).values("count"))
    registers = (DeclaredRegister.objects.select_related("bureau")
                 .annotate(acts_found=Coalesce(Subquery(found, output_field=IntegerField()), 0))
                 .order_by("-bureau__is_main", "bureau__code", "kind", "year"))
    return Backlog([RegisterProgress(register, register.acts_found) for register in registers])


# --- writes -----------------------------------------------------------------------------------------------------

def _require(actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this action."))


def _snapshot(register: DeclaredRegister) -> dict:
    return {"bureau": register.bureau.code, "kind": register.kind, "year": register.year,
            "acts_declared": register.acts_declared, "note": register.note}


def _already_declared() -> ValidationError:
    return ValidationError({"year": _("This register is already declared for this bureau: change its count "
                                      "instead.")})


def _no_longer_declared() -> ValidationError:
    return ValidationError(_("This register is no longer declared: it was withdrawn meanwhile."))


def _check(register: DeclaredRegister) -> None:
    if register.year and register.year > timezone.localdate().year:
        raise ValidationError({"year": _("A register of a year to come cannot be declared.")})
    twin = DeclaredRegister.objects.filter(bureau=register.bureau_id, kind=register.kind, year=register.year)
    if register.pk:
        twin = twin.exclude(pk=register.pk)
    if twin.exists():
        raise _already_declared()
    register.full_clean(validate_constraints=False)


@contextmanager
def _one_declaration_per_register() -> Iterator[None]:
    """The check above reads before the insert, so two submissions at once can both pass it; the unique constraint
    then refuses the second, which gets the same message as if it had come a moment later."""
    try:
        yield
    except IntegrityError as error:
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) != ONE_PER_REGISTER:
            raise
        raise _already_declared() from error


def _locked(register_id: int) -> DeclaredRegister:
    register = DeclaredRegister.objects.select_for_update().select_related("bureau").filter(pk=register_id).first()
    if register is None:
        raise _no_longer_declared()
    return register


def declare_register(*, actor, data: dict, request=None) -> DeclaredRegister:
    """The chef de bureau declares a paper register and the acts it holds as counted on paper."""
    _require(actor, "civil_status.add_declaredregister")
    with _one_declaration_per_register(), transaction.atomic(durable=True):
        register = DeclaredRegister(**{field: data[field] for field in FIELDS if field in data})
        _check(register)
        register.save()
        audit.record("civil_status.declare_register", actor=actor, target=register, request=request,
                     after=_snapshot(register))
    return register


def change_declaration(register_id: int, *, actor, data: dict, request=None) -> DeclaredRegister:
    """Correct a declaration (a recount on paper, a wrong year): the backlog is measured against the new count."""
    _require(actor, "civil_status.change_declaredregister")
    with _one_declaration_per_register(), transaction.atomic(durable=True):
        register = _locked(register_id)
        before = _snapshot(register)
        for field in FIELDS:
            if field in data:
                setattr(register, field, data[field])
        _check(register)
        register.save()
        audit.record("civil_status.change_declaration", actor=actor, target=register, request=request,
                     before=before, after=_snapshot(register))
    return register


def withdraw_declaration(register_id: int, *, actor, request=None) -> None:
    """Remove a register declared by mistake; the acts loaded from it stay (they are signed acts)."""
    _require(actor, "civil_status.delete_declaredregister")
    with transaction.atomic(durable=True):
        register = _locked(register_id)
        before = _snapshot(register)
        audit.record("civil_status.withdraw_declaration", actor=actor, target=register, request=request,
                     before=before)
        register.delete()


def load_declarations(entries: list[dict]) -> list[DeclaredRegister]:
    """Recipe entries `{bureau, kind, year, acts_declared, note}` (inside provisioning's transaction, which the
    recipe's audit covers): a register already declared takes the recipe's count, nothing is duplicated. A bad
    entry is a RecipeError naming the entry and what is wrong with it (provisioning then keeps nothing)."""
    if not isinstance(entries, list):
        raise RecipeError(_("civil_status.declared_registers: must be a list"))
    loaded = []
    for index, entry in enumerate(entries):
        where = f"civil_status.declared_registers.{index}"
        try:
            loaded.append(_load_declaration(entry))
        except ValidationError as error:
            fields = (error.message_dict.items() if hasattr(error, "error_dict")
                      else [(NON_FIELD_ERRORS, error.messages)])
            lines = [f"{where if field == NON_FIELD_ERRORS else f'{where}.{field}'}: {message}"
                     for field, messages in fields for message in messages]
            raise RecipeError("\n".join([_("The recipe is not valid:"), *lines])) from None
    return loaded


def _whole_number(value) -> int | None:
    """12 and "12" (YAML may quote it), not 2.5, "douze" or true."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _load_declaration(entry) -> DeclaredRegister:
    if not isinstance(entry, dict):
        raise ValidationError(_("must be a mapping (key: value)"))
    missing = [key for key in REQUIRED_IN_RECIPE if entry.get(key) in (None, "")]
    if missing:
        raise ValidationError({key: _("this field is required") for key in missing})
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise ValidationError({key: _("unknown field (check its spelling and indentation)") for key in unknown})
    numbers = {key: _whole_number(entry[key]) for key in ("year", "acts_declared")}
    for key, number in numbers.items():
        if number is None:
            raise ValidationError({key: _("must be a whole number")})
    if numbers["acts_declared"] < 1:
        raise ValidationError({"acts_declared": _("a register holds at least one act")})
    bureau = Bureau.objects.filter(code=str(entry["bureau"])).first()
    if bureau is None:
        raise ValidationError({"bureau": _("no bureau has the code %(code)s (declare it under civil_status.bureaux)")
                               % {"code": entry["bureau"]}})
    kind = str(entry["kind"])
    register = (DeclaredRegister.objects.filter(bureau=bureau, kind=kind, year=numbers["year"]).first()
                or DeclaredRegister(bureau=bureau, kind=kind, year=numbers["year"]))
    register.acts_declared = numbers["acts_declared"]
    register.note = str(entry.get("note") or "")
    if register.year > timezone.localdate().year:
        raise ValidationError({"year": _("A register of a year to come cannot be declared.")})
    register.full_clean(validate_constraints=False)
    register.save()
    return register


def export_declarations() -> list[dict]:
    return [{"bureau": register.bureau.code, "kind": register.kind, "year": register.year,
             "acts_declared": register.acts_declared, **({"note": register.note} if register.note else {})}
            for register in DeclaredRegister.objects.select_related("bureau")]
