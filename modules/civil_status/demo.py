"""Demo data: a commune provisioned from a recipe with `demo_data: true` gets a register of synthetic signed acts.

Recipe section `civil_status`: `demo_acts` says how many (DEFAULT_ACTS when it is absent, 0 for none). The acts
are drawn by modules.civil_status.synthetic (the same generator as the search benchmark), over the years since
FIRST_YEAR, in the commune's town, and numbered through the numbering service: the next act signed at the
counter takes the next number of its register. Idempotent: a commune that holds acts already is left as it is,
so provisioning the same commune again loads nothing twice.
"""

from __future__ import annotations

import re
import zlib

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from modules.civil_status import synthetic
from modules.civil_status.models import Act, RegistrySettings
from platform_core.audit import services as audit

DEFAULT_ACTS = 2_000
FIRST_YEAR = 1960


def town_of(commune) -> tuple[str, str]:
    """The commune's town in French and Arabic, from its names ("Commune de Sefrou", "جماعة صفرو")."""
    name_fr = re.sub(r"^.*\b[Cc]ommune d(e |')", "", commune.name_fr).strip()
    name_ar = re.sub(r"^.*جماعة\s*", "", commune.name_ar).strip()
    return name_fr or commune.name_fr, name_ar or commune.name_ar


def seed_demo_data(commune, section: dict) -> int:
    """Load the demo acts into the commune (the connection's current schema); returns how many were loaded."""
    count = int(section.get("demo_acts", DEFAULT_ACTS))
    if count <= 0 or Act.objects.exists():
        return 0
    # The acts were typed by the commune's administrator, whom the recipe has just created.
    clerk = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if clerk is None:
        raise ValueError(_("Demo acts need the commune's administrator, whom the recipe creates first."))
    summary = synthetic.load(
        count, town=town_of(commune), drafted_by_id=clerk.pk, first_year=FIRST_YEAR,
        commune_code=RegistrySettings.current().commune_code, seed=zlib.crc32(commune.schema_name.encode()),
    )
    audit.record("civil_status.seed_demo_data", actor=None, object_type="civil_status.act",
                 after={"births": summary.births, "deaths": summary.deaths, "mentions": summary.mentions})
    return summary.births + summary.deaths
