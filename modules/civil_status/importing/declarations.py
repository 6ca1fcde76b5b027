"""The paper registers a commune declares at onboarding, and how much of them the database already holds.

The backlog is measured register by register: a register counts for at most the acts declared in it (an extra act
typed in one register does not make up for a missing one in another), so the share only reaches 100 % when every
declared register is there in full.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.civil_status.importing.models import DeclaredRegister
from modules.civil_status.models import Act, Bureau
from platform_core.audit import services as audit
from platform_core.modules.checklist import percent

FIELDS = ("bureau", "kind", "year", "acts_declared", "note")


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


def _check(register: DeclaredRegister) -> None:
    if register.year and register.year > timezone.localdate().year:
        raise ValidationError({"year": _("A register of a year to come cannot be declared.")})
    twin = DeclaredRegister.objects.filter(bureau=register.bureau_id, kind=register.kind, year=register.year)
    if register.pk:
        twin = twin.exclude(pk=register.pk)
    if twin.exists():
        raise ValidationError({"year": _("This register is already declared for this bureau: change its count "
                                         "instead.")})
    register.full_clean(validate_constraints=False)


def declare_register(*, actor, data: dict, request=None) -> DeclaredRegister:
    """The chef de bureau declares a paper register and the acts it holds as counted on paper."""
    _require(actor, "civil_status.add_declaredregister")
    with transaction.atomic(durable=True):
        register = DeclaredRegister(**{field: data[field] for field in FIELDS if field in data})
        _check(register)
        register.save()
        audit.record("civil_status.declare_register", actor=actor, target=register, request=request,
                     after=_snapshot(register))
    return register


def change_declaration(register_id: int, *, actor, data: dict, request=None) -> DeclaredRegister:
    """Correct a declaration (a recount on paper, a wrong year): the backlog is measured against the new count."""
    _require(actor, "civil_status.change_declaredregister")
    with transaction.atomic(durable=True):
        register = DeclaredRegister.objects.select_for_update().select_related("bureau").get(pk=register_id)
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
        register = DeclaredRegister.objects.select_for_update().select_related("bureau").get(pk=register_id)
        before = _snapshot(register)
        audit.record("civil_status.withdraw_declaration", actor=actor, target=register, request=request,
                     before=before)
        register.delete()


def load_declarations(entries: list[dict]) -> list[DeclaredRegister]:
    """Recipe entries `{bureau, kind, year, acts_declared, note}` (inside provisioning's transaction, which the
    recipe's audit covers): a register already declared takes the recipe's count, nothing is duplicated."""
    loaded = []
    for entry in entries:
        bureau = Bureau.objects.filter(code=entry["bureau"]).first()
        if bureau is None:
            raise ValidationError(f"civil_status: declared register names an unknown bureau {entry['bureau']}")
        register = (DeclaredRegister.objects.filter(bureau=bureau, kind=entry["kind"], year=int(entry["year"])).first()
                    or DeclaredRegister(bureau=bureau, kind=entry["kind"], year=int(entry["year"])))
        register.acts_declared = int(entry["acts_declared"])
        register.note = str(entry.get("note", ""))
        register.full_clean(validate_constraints=False)
        register.save()
        loaded.append(register)
    return loaded


def export_declarations() -> list[dict]:
    return [{"bureau": register.bureau.code, "kind": register.kind, "year": register.year,
             "acts_declared": register.acts_declared, **({"note": register.note} if register.note else {})}
            for register in DeclaredRegister.objects.select_related("bureau")]
