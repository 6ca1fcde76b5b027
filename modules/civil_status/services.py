"""Every write of the civil-status module: one function per act of the bureau, audited, numbered at signature."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.civil_status import citizen_id, rules
from modules.civil_status.mentions import TEMPLATES, death_mention_texts
from modules.civil_status.models import Act, Bureau, Delegation, MarginalMention, RegistrySettings
from platform_core.audit import services as audit
from platform_core.dates import format_hijri
from platform_core.numbering.services import allocate

DRAFT_FIELDS = (
    "first_names_ar", "first_names_latin", "family_name_ar", "family_name_latin", "sex", "nationality",
    "lineage_proof", "event_date", "event_time", "event_hijri", "event_place_fr", "event_place_ar",
    "father_name_ar", "father_name_latin", "father", "mother_name_ar", "mother_name_latin", "mother", "declarant",
    "birth_act", "judgment_court", "judgment_number", "judgment_date",
)


def _require(actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this action."))


def _check(act: Act, *, declared_on, abroad: bool) -> None:
    rules.check_names(act.first_names_ar, act.first_names_latin, act.family_name_ar, act.family_name_latin,
                      act.lineage_proof)
    rules.check_declaration_delay(act.event_date, declared_on, abroad=abroad,
                                  has_judgment=bool(act.judgment_court and act.judgment_number and act.judgment_date))
    if act.kind == Act.Kind.DEATH and act.birth_act and act.birth_act.status != Act.Status.SIGNED:
        raise ValidationError({"birth_act": _("The deceased's birth act must be a signed act.")})


@transaction.atomic
def draft_act(*, actor, bureau: Bureau, kind: str, data: dict, abroad: bool = False, request=None) -> Act:
    """An agent drafts a birth or death act; the rules are checked now and again at signature."""
    _require(actor, "civil_status.add_act")
    unknown = set(data) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown act fields: {', '.join(sorted(unknown))}")
    act = Act(bureau=bureau, kind=kind, drafted_by=actor, **data)
    if not act.event_hijri:
        act.event_hijri = format_hijri(act.event_date, "ar")
    _check(act, declared_on=timezone.localdate(), abroad=abroad)
    act.full_clean(exclude=["drafted_by"])
    act.save()
    audit.record("civil_status.draft_act", actor=actor, target=act, after={"kind": kind, "bureau": bureau.code},
                 request=request)
    return act


@transaction.atomic
def update_draft(act_id: int, *, actor, data: dict, abroad: bool = False, request=None) -> Act:
    """A draft is corrected until it is signed; the rules are checked again and the changes audited."""
    _require(actor, "civil_status.change_act")
    unknown = set(data) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown act fields: {', '.join(sorted(unknown))}")
    act = Act.objects.select_for_update(of=("self",)).get(pk=act_id)
    if act.status != Act.Status.DRAFT:
        raise ValidationError(_("Only a draft can be corrected; a signed act changes by marginal mention only."))
    before = {field: _plain(getattr(act, field)) for field in data}
    for field, value in data.items():
        setattr(act, field, value)
    if "event_date" in data and "event_hijri" not in data:
        act.event_hijri = format_hijri(act.event_date, "ar")
    _check(act, declared_on=act.drafted_at.date(), abroad=abroad)
    act.full_clean(exclude=["drafted_by"])
    act.save()
    changed = {field: _plain(getattr(act, field)) for field in data}
    audit.record("civil_status.update_draft", actor=actor, target=act, request=request,
                 before={k: v for k, v in before.items() if changed[k] != v},
                 after={k: v for k, v in changed.items() if before[k] != v})
    return act


def _plain(value):
    # Audit entries are JSON: model instances by their key, dates and times as ISO text.
    if hasattr(value, "pk"):
        return value.pk
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def abandon_draft(act_id: int, *, actor, reason: str, request=None) -> Act:
    """An abandoned draft is kept, marked, and takes no number."""
    _require(actor, "civil_status.change_act")
    act = Act.objects.select_for_update().get(pk=act_id)
    if act.status != Act.Status.DRAFT:
        raise ValidationError(_("Only a draft can be abandoned."))
    act.status, act.abandoned_reason = Act.Status.ABANDONED, reason
    act.save(update_fields=["status", "abandoned_reason"])
    audit.record("civil_status.abandon_draft", actor=actor, target=act, after={"reason": reason}, request=request)
    return act


@transaction.atomic
def save_bureau(*, actor, data: dict, bureau: Bureau | None = None, request=None) -> Bureau:
    """The chef de bureau creates or renames a bureau (its code is fixed once acts are numbered under it)."""
    _require(actor, "civil_status.change_bureau" if bureau else "civil_status.add_bureau")
    bureau = bureau or Bureau()
    before = {"code": bureau.code, "name_fr": bureau.name_fr, "name_ar": bureau.name_ar, "is_main": bureau.is_main}
    if bureau.pk and data.get("code", bureau.code) != bureau.code and bureau.acts.exists():
        raise ValidationError({"code": _("The code of a bureau that holds acts cannot change.")})
    for field, value in data.items():
        setattr(bureau, field, value)
    bureau.full_clean()
    bureau.save()
    audit.record("civil_status.save_bureau", actor=actor, target=bureau, before=before, request=request,
                 after={"code": bureau.code, "name_fr": bureau.name_fr, "name_ar": bureau.name_ar,
                        "is_main": bureau.is_main})
    return bureau


@transaction.atomic
def record_delegation(*, actor, data: dict, request=None) -> Delegation:
    """The chef de bureau records the president's arrêté delegating the officier's functions."""
    _require(actor, "civil_status.add_delegation")
    delegation = Delegation(**data)
    delegation.full_clean()
    if not delegation.officer.has_perm("civil_status.sign_act"):
        raise ValidationError({"officer": _("The delegate must hold the officier d'état civil role.")})
    delegation.save()
    audit.record("civil_status.record_delegation", actor=actor, target=delegation, request=request,
                 after={"officer": delegation.officer_id, "bureau": delegation.bureau.code,
                        "decree_number": delegation.decree_number, "valid_from": str(delegation.valid_from),
                        "valid_until": str(delegation.valid_until or "")})
    return delegation


@transaction.atomic
def revoke_delegation(delegation_id: int, *, actor, on, request=None) -> Delegation:
    """A delegation is revoked from a date, never deleted: the acts signed under it keep their officier."""
    _require(actor, "civil_status.change_delegation")
    delegation = Delegation.objects.select_for_update().get(pk=delegation_id)
    if delegation.revoked_on:
        raise ValidationError(_("This delegation is already revoked."))
    if on < delegation.valid_from:
        raise ValidationError({"revoked_on": _("A delegation cannot be revoked before it starts.")})
    delegation.revoked_on = on
    delegation.save(update_fields=["revoked_on"])
    audit.record("civil_status.revoke_delegation", actor=actor, target=delegation, request=request,
                 after={"revoked_on": str(on)})
    return delegation


def delegation_of(actor, bureau: Bureau, day) -> Delegation:
    for delegation in Delegation.objects.filter(officer=actor, bureau=bureau, valid_from__lte=day):
        if delegation.covers(day):
            return delegation
    raise PermissionDenied(_("You hold no delegation of the officier d'état civil valid today for this bureau."))


@transaction.atomic
def sign_act(act_id: int, *, actor, abroad: bool = False, request=None) -> Act:
    """The officier signs: the act gets the next number of its bureau, kind and year, and is locked for good."""
    _require(actor, "civil_status.sign_act")
    act = Act.objects.select_for_update(of=("self",)).select_related("bureau", "birth_act").get(pk=act_id)
    if act.status != Act.Status.DRAFT:
        raise ValidationError(_("Only a draft can be signed."))
    today = timezone.localdate()
    delegation = delegation_of(actor, act.bureau, today)
    _check(act, declared_on=act.drafted_at.date(), abroad=abroad)
    act.year = today.year  # a late declaration goes in the current year's register
    act.number = allocate(f"civil_status.{act.bureau.code}.{act.kind}", act.year)
    if act.kind == Act.Kind.BIRTH:
        act.citizen_id = citizen_id.new_identifier(RegistrySettings.current().commune_code)
    act.drawn_up_on, act.drawn_up_hijri = today, format_hijri(today, "ar")
    act.signed_by, act.signed_at = actor, timezone.now()
    act.officer_name = f"{actor.full_name_ar()} / {actor.get_full_name()}".strip(" /")
    act.officer_capacity = f"{delegation.capacity_fr} / {delegation.capacity_ar}"
    act.status = Act.Status.SIGNED
    act.save()
    if act.kind == Act.Kind.DEATH and act.birth_act_id:
        _propose_death_mention(act, actor=actor)
    audit.record("civil_status.sign_act", actor=actor, target=act, request=request,
                 after={"number": act.number, "year": act.year, "bureau": act.bureau.code, "kind": act.kind})
    return act


def _propose_death_mention(death: Act, *, actor) -> MarginalMention:
    text_fr, text_ar = death_mention_texts(death.event_date, death.event_place_fr, death.event_place_ar,
                                           death.number, death.year)
    return MarginalMention.objects.create(
        act=death.birth_act, kind=MarginalMention.Kind.DEATH, drafted_by=actor, text_fr=text_fr, text_ar=text_ar,
        legal_basis=TEMPLATES[MarginalMention.Kind.DEATH].legal_basis, reference=f"{death.number}/{death.year}",
    )


@transaction.atomic
def draft_mention(act_id: int, *, actor, kind: str, text_fr: str, text_ar: str, legal_basis: str,
                  reference: str = "", request=None) -> MarginalMention:
    _require(actor, "civil_status.add_marginalmention")
    act = Act.objects.get(pk=act_id)
    if act.status != Act.Status.SIGNED:
        raise ValidationError(_("A marginal mention is written on a signed act only."))
    if not legal_basis.strip():
        raise ValidationError({"legal_basis": _("A marginal mention must cite its legal basis.")})
    mention = MarginalMention.objects.create(act=act, kind=kind, text_fr=text_fr, text_ar=text_ar,
                                             legal_basis=legal_basis, reference=reference, drafted_by=actor)
    audit.record("civil_status.draft_mention", actor=actor, target=mention, after={"act": act.pk, "kind": kind},
                 request=request)
    return mention


@transaction.atomic
def sign_mention(mention_id: int, *, actor, request=None) -> MarginalMention:
    _require(actor, "civil_status.sign_act")
    mention = MarginalMention.objects.select_for_update().select_related("act__bureau").get(pk=mention_id)
    if mention.status != Act.Status.DRAFT:
        raise ValidationError(_("Only a draft mention can be signed."))
    delegation_of(actor, mention.act.bureau, timezone.localdate())
    mention.status, mention.signed_by, mention.signed_at = Act.Status.SIGNED, actor, timezone.now()
    mention.save(update_fields=["status", "signed_by", "signed_at"])
    audit.record("civil_status.sign_mention", actor=actor, target=mention, request=request,
                 after={"act": mention.act_id, "kind": mention.kind})
    return mention
