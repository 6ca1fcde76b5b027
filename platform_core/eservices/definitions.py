"""What a module declares to offer a service online (e-service): its form, the papers to attach, its fee, and
the steps staff go through, each with the permission it needs. Modules list their EService objects in their
ModuleSpec (`eservices=[...]`); the engine (platform_core.eservices.services) runs every request the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from platform_core.locale import is_arabic


class _Named:
    name_fr: str
    name_ar: str

    def name(self, language: str | None = None) -> str:
        return self.name_ar if is_arabic(language) else self.name_fr


@dataclass(frozen=True)
class RequiredPaper(_Named):
    """A paper the citizen attaches (a scan or a photo), e.g. the national identity card."""

    code: str
    name_fr: str
    name_ar: str
    required: bool = True


@dataclass(frozen=True)
class Step(_Named):
    """One step of the processing (vérification, signature); only staff holding `permission` may approve it."""

    key: str
    name_fr: str
    name_ar: str
    permission: str


@dataclass(frozen=True)
class Outcome:
    """What the last approval produced: a paper issued through the documents service, kept as a PDF."""

    document: object  # platform_core.documents.models.IssuedDocument
    pdf: bytes
    filename: str


@dataclass(frozen=True)
class EService(_Named):
    """An online service. `code` is global and stable ("civil_status.birth_extract"): it is stored on requests
    and put in URLs.

    - form_class: the citizen's form (a Django form); its cleaned data is stored on the request, JSON-ready.
    - summary(data, language) -> list of (label, value): the request's data as staff and the citizen read it.
    - processing_form(service_request) -> form class or None: what staff fill in when approving a step (e.g.
      which act the request is about); its cleaned data is merged into `service_request.staff_data`.
    - fee_tariff(data) -> (tariff code, base values) or None: the fee, charged through the régie on submission
      when the commune subscribes to it and its fiscal order has that tariff; the last step waits for payment.
    - complete(service_request, actor) -> Outcome or None: run when the last step is approved.
    - downloadable: the law allows the citizen to download the outcome from the request page; otherwise the
      paper is collected at the office.
    """

    code: str
    module_key: str
    name_fr: str
    name_ar: str
    form_class: Callable[[], type]
    steps: Sequence[Step]
    summary: Callable[[dict, str], list[tuple[str, str]]]
    papers: Sequence[RequiredPaper] = ()
    processing_form: Callable[[object], type | None] | None = None
    fee_tariff: Callable[[dict], tuple[str, dict] | None] | None = None
    complete: Callable[[object, object], Outcome | None] | None = None
    downloadable: bool = False
    delay_days: int = 3
    description_fr: str = ""
    description_ar: str = ""

    def description(self, language: str | None = None) -> str:
        return self.description_ar if is_arabic(language) else self.description_fr


@dataclass
class _Catalogue:
    services: dict[str, EService] = field(default_factory=dict)
    loaded: bool = False


_catalogue = _Catalogue()


def _load() -> dict[str, EService]:
    if not _catalogue.loaded:
        from platform_core.modules.registry import registry

        for spec in registry.all():
            for service in spec.eservices:
                if service.module_key != spec.key:
                    raise ValueError(f"E-service {service.code} is declared by {spec.key}, not {service.module_key}.")
                if service.code in _catalogue.services:
                    raise ValueError(f"E-service {service.code} is declared twice.")
                _catalogue.services[service.code] = service
        _catalogue.loaded = True
    return _catalogue.services


def all_eservices() -> list[EService]:
    return list(_load().values())


def get_eservice(code: str) -> EService:
    """The e-service with this code; LookupError if no module declares it."""
    try:
        return _load()[code]
    except KeyError:
        raise LookupError(f"No e-service {code!r}.") from None


def offered_by(commune) -> list[EService]:
    """The e-services of the modules the commune subscribes to."""
    from platform_core.modules.registry import module_enabled

    return [service for service in _load().values() if module_enabled(commune, service.module_key)]
