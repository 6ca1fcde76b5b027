"""Recipes: declarative YAML files that describe a commune to provision.

The same recipes build the demo communes, real communes and training sandboxes. A recipe names the commune
and its domains, the modules it subscribes to, its first administrator and staff, its portal, and sections
that each module reads (bureaux, tariffs, ...). See recipes/README.md for the format.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

import yaml
from django.conf import settings
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from platform_core.modules.registry import registry

SLUG_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
RESERVED_SLUGS = {"public", "template", "www", "api", "admin", "console", "static", "media"}


class RecipeError(ValueError):
    """A recipe that cannot be applied; the message says which field and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Person(_Strict):
    username: str = Field(min_length=2, max_length=150, pattern=r"^[\w.@+-]+$")
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    first_name_ar: str = ""
    last_name_ar: str = ""
    phone: str = ""
    language: Literal["ar", "fr"] = "ar"
    password: str | None = None  # demo recipes only; otherwise one is generated and shown once
    roles: list[str] = []  # "module.role"

    @field_validator("username")
    @classmethod
    def _not_a_support_account(cls, username: str) -> str:
        # Imported here: recipes are read by modules that load before the services' models are ready.
        from tenants.services.support import SUPPORT_PREFIX, is_reserved_username

        if is_reserved_username(username):
            raise ValueError(_("usernames starting with '%(prefix)s' are reserved for the platform's support "
                               "accounts") % {"prefix": SUPPORT_PREFIX})
        return username


class CommuneSection(_Strict):
    slug: str = Field(min_length=2, max_length=60, pattern=SLUG_PATTERN)
    name_fr: str = Field(min_length=1, max_length=200)
    name_ar: str = Field(min_length=1, max_length=200)
    region: str = ""
    province: str = ""
    province_ar: str = ""
    kind: Literal["production", "training"] = "production"
    status: Literal["onboarding", "live"] = "live"
    contact_phone: str = ""
    contact_email: str = ""
    address_fr: str = ""
    address_ar: str = ""

    @field_validator("slug")
    @classmethod
    def _not_reserved(cls, slug: str) -> str:
        if slug in RESERVED_SLUGS:
            raise ValueError(_("'%(slug)s' is reserved") % {"slug": slug})
        return slug


class Portal(_Strict):
    package: Literal["standard"] = "standard"
    intro_fr: str = ""
    intro_ar: str = ""
    opening_hours_fr: str = ""
    opening_hours_ar: str = ""
    emblem: str | None = None  # path of an image file, relative to the recipe


class Recipe(_Strict):
    commune: CommuneSection
    domains: list[str] = []
    modules: list[str] | Literal["all"] = []
    administrator: Person
    staff: list[Person] = []
    portal: Portal = Portal()
    demo_data: bool = False
    sections: dict[str, dict] = {}

    source: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _check_references(self) -> Recipe:
        unknown = [key for key in self.module_keys_requested() if key not in registry]
        if unknown:
            raise ValueError(_("unknown module(s): %(modules)s") % {"modules": ", ".join(unknown)})
        wanted = set(self.module_keys())
        for section in self.sections:
            if section not in wanted:
                raise ValueError(_("section '%(section)s' is for a module the commune does not subscribe to")
                                 % {"section": section})
        for person in [self.administrator, *self.staff]:
            for role in person.roles:
                module_key, _dot, role_key = role.partition(".")
                if module_key not in wanted:
                    raise ValueError(
                        _("%(username)s: role '%(role)s' is in a module the commune does not subscribe to")
                        % {"username": person.username, "role": role}
                    )
                if role_key not in {r.key for r in registry.get(module_key).roles}:
                    raise ValueError(_("%(username)s: module '%(module)s' has no role '%(role)s'")
                                     % {"username": person.username, "module": module_key, "role": role_key})
        usernames = [person.username for person in [self.administrator, *self.staff]]
        if len(set(usernames)) != len(usernames):
            raise ValueError(_("usernames must be unique within a recipe"))
        return self

    def module_keys_requested(self) -> list[str]:
        return registry.keys() if self.modules == "all" else list(self.modules)

    def module_keys(self) -> list[str]:
        """The subscribed modules, with the modules they require."""
        return registry.with_dependencies(self.module_keys_requested())

    @property
    def schema_name(self) -> str:
        return self.commune.slug.replace("-", "_")

    def hostnames(self) -> list[str]:
        names = self.domains or [self.commune.slug]
        return [name if "." in name else f"{name}.{settings.PLATFORM_DOMAIN}" for name in names]

    def emblem_path(self) -> Path | None:
        if not self.portal.emblem:
            return None
        base = self.source.parent if self.source else Path.cwd()
        return (base / self.portal.emblem).resolve()

    def digest(self) -> str:
        """Changes when anything the recipe would apply changes (including the emblem file)."""
        body = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(body.encode())
        digest.update(settings.PLATFORM_DOMAIN.encode())
        emblem = self.emblem_path()
        if emblem and emblem.exists():
            digest.update(emblem.read_bytes())
        return digest.hexdigest()


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or _("recipe")
        lines.append(f"{where}: {_explain(item)}")
    return "\n".join(lines)


def _explain(item: dict) -> str:
    """Pydantic's message for one error, in the operator's language for the errors a recipe meets."""
    context = item.get("ctx") or {}
    if item["type"] == "value_error":  # our validators' messages, already translated
        return str(context.get("error", item["msg"]))
    messages = {
        "missing": _("this field is required"),
        "extra_forbidden": _("unknown field (check its spelling and indentation)"),
        "string_too_short": _("at least %(min_length)s characters"),
        "string_too_long": _("at most %(max_length)s characters"),
        "string_pattern_mismatch": _("not in the expected form (%(pattern)s)"),
        "literal_error": _("must be one of: %(expected)s"),
        "string_type": _("must be text"),
        "int_parsing": _("must be a whole number"),
        "int_type": _("must be a whole number"),
        "bool_parsing": _("must be true or false"),
        "bool_type": _("must be true or false"),
        "list_type": _("must be a list"),
        "dict_type": _("must be a mapping (key: value)"),
        "model_type": _("must be a mapping (key: value)"),
        "date_from_datetime_parsing": _("must be a date (YYYY-MM-DD)"),
        "date_parsing": _("must be a date (YYYY-MM-DD)"),
        "date_type": _("must be a date (YYYY-MM-DD)"),
        "decimal_parsing": _("must be a number"),
        "float_parsing": _("must be a number"),
    }
    message = messages.get(item["type"])
    if message is None:
        return item["msg"]
    try:
        return message % {key: str(value) for key, value in context.items()}
    except (KeyError, TypeError):
        return item["msg"]


def parse_recipe(data: dict, source: Path | None = None) -> Recipe:
    if not isinstance(data, dict):
        raise RecipeError(_("A recipe is a YAML mapping (commune:, domains:, modules:, administrator:, ...)."))
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as error:
        raise RecipeError(_("The recipe is not valid:") + "\n" + _describe(error)) from None
    recipe.source = source
    emblem = recipe.emblem_path()
    if emblem is not None and not emblem.is_file():
        raise RecipeError(_("The emblem file %(path)s does not exist.") % {"path": emblem})
    return recipe


def load_recipe(path: str | Path) -> Recipe:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecipeError(_("No recipe file at %(path)s.") % {"path": path}) from None
    except yaml.YAMLError as error:
        message = _("The recipe %(path)s is not valid YAML: %(error)s") % {"path": path, "error": error}
        raise RecipeError(message) from None
    return parse_recipe(data, source=path.resolve())


DEMO_RECIPES_DIR = settings.BASE_DIR / "recipes" / "demo"


def demo_recipe_paths() -> list[Path]:
    return sorted(DEMO_RECIPES_DIR.glob("*.yaml"))
