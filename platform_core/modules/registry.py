"""The module contract: each `modules/<key>/module.py` (or any installed app's `module.py`) declares one ModuleSpec.

The platform reads the specs at start-up and plugs each module into the shells without the shells knowing
their plugins: roles become Groups, admin URLs mount under /admin/<key>/, API routes under /api/v1/<prefix>/,
portal URLs under /<prefix>/, dashboard panels on the back-office home. Every URL of a module lives in the
namespace `module-<key>` (portal URLs in `portal-<key>`, so that both can be reversed), which
platform_core.modules.gate closes (404) when the commune is not subscribed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Role:
    """A job in a module (e.g. the officier d'état civil); becomes a Group with exactly these permissions."""

    key: str
    name_fr: str
    name_ar: str
    permissions: Sequence[str] = ()  # "app_label.codename"
    essential: bool = True  # a commune needs someone in it before going live (onboarding checklist)


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the module's admin menu; `url_name` is resolved inside the module's admin namespace."""

    label_fr: str
    label_ar: str
    url_name: str
    icon: str = "folder-open-inverse"
    permission: str | None = None


@dataclass(frozen=True)
class ModuleSpec:
    key: str
    name_fr: str
    name_ar: str
    app_label: str
    roles: Sequence[Role] = ()
    requires: Sequence[str] = ()
    menu: Sequence[MenuEntry] = ()
    menu_icon: str = "folder-open-inverse"
    menu_order: int = 300
    admin_urls: Callable[[], list] | None = None
    api_prefix: str | None = None
    api_routes: Callable[[], list[tuple[str, type, str]]] | None = None
    portal_prefix: str | None = None
    portal_urls: Callable[[], list] | None = None
    dashboard_panels: Callable[[object], list] | None = None
    statistics: Callable[[], dict] | None = None
    apply_recipe: Callable[[object, dict], None] | None = None
    export_recipe: Callable[[], dict] | None = None  # the module's recipe section, read back (no personal data)
    seed_demo_data: Callable[[object, dict], None] | None = None
    eservices: Sequence[object] = field(default_factory=tuple)
    # Called inside the commune's schema with the commune; returns checklist.ChecklistItem's.
    onboarding_checks: Callable[[object], list] | None = None

    @property
    def namespace(self) -> str:
        return f"module-{self.key}"

    @property
    def portal_namespace(self) -> str:
        return f"portal-{self.key}"

    def name(self, language: str | None = None) -> str:
        from platform_core.locale import is_arabic

        return self.name_ar if is_arabic(language) else self.name_fr


class ModuleRegistry:
    def __init__(self):
        self._specs: dict[str, ModuleSpec] = {}

    def register(self, spec: ModuleSpec) -> ModuleSpec:
        existing = self._specs.get(spec.key)
        if existing is not None and existing != spec:
            raise ValueError(f"Module key {spec.key!r} is declared twice.")
        self._specs[spec.key] = spec
        return spec

    def get(self, key: str) -> ModuleSpec:
        try:
            return self._specs[key]
        except KeyError:
            raise LookupError(f"No module with key {key!r}.") from None

    def __contains__(self, key: str) -> bool:
        return key in self._specs

    def all(self) -> list[ModuleSpec]:
        return sorted(self._specs.values(), key=lambda spec: (spec.menu_order, spec.key))

    def keys(self) -> list[str]:
        return [spec.key for spec in self.all()]

    def with_dependencies(self, keys) -> list[str]:
        """The keys and, transitively, the modules they require; unknown keys raise LookupError."""
        wanted: list[str] = []

        def visit(key: str, path: tuple[str, ...]):
            if key in path:
                raise ValueError(f"Module dependency cycle: {' -> '.join((*path, key))}")
            for dependency in self.get(key).requires:
                visit(dependency, (*path, key))
            if key not in wanted:
                wanted.append(key)

        for key in keys:
            visit(key, ())
        return wanted


registry = ModuleRegistry()


def autodiscover() -> None:
    """Import every installed app's `module` submodule; each registers its spec."""
    autodiscover_modules("module")


def module_enabled(commune, key: str) -> bool:
    """Whether a commune has the module switched on: from the keys routing read with the commune, or, for a
    commune met outside a request (a task, a command), from its subscriptions."""
    if commune is None or not getattr(commune, "pk", None):
        return False
    keys = getattr(commune, "active_module_keys", None)
    if keys is None:
        keys = frozenset(commune.subscriptions.filter(active=True).values_list("module_key", flat=True))
        commune.active_module_keys = keys
    return key in keys
