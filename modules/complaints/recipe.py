"""Recipe section `complaints`: the commune's services that answer complaints (with their staff) and the
categories citizens choose from (each sent to a service by default). Applying it again updates, never duplicates.

    complaints:
      departments:
        - {code: voirie, name_fr: Service de la voirie, name_ar: مصلحة الطرق, members: [agent.sefrou]}
      categories:
        - {code: eclairage, name_fr: Éclairage public, name_ar: الإنارة العمومية, department: voirie,
           description_fr: ..., description_ar: ..., keywords: "lampadaire, panne"}
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from modules.complaints.models import Category, Department


def apply_recipe(section: dict) -> None:
    User = get_user_model()
    departments = {}
    for entry in section.get("departments", []):
        department, _created = Department.objects.update_or_create(code=entry["code"], defaults={
            "name_fr": entry["name_fr"], "name_ar": entry["name_ar"], "active": entry.get("active", True)})
        members = entry.get("members", [])
        found = list(User.objects.filter(username__in=members))
        if len(found) != len(set(members)):
            missing = sorted(set(members) - {user.username for user in found})
            raise ValidationError(f"complaints: unknown staff in service {entry['code']}: {', '.join(missing)}")
        department.members.add(*found)
        departments[department.code] = department
    for position, entry in enumerate(section.get("categories", [])):
        code = entry.get("department")
        department = departments.get(code) or (Department.objects.filter(code=code).first() if code else None)
        if code and department is None:
            raise ValidationError(f"complaints: category {entry['code']} names an unknown service {code}")
        category, _created = Category.objects.update_or_create(code=entry["code"], defaults={
            "name_fr": entry["name_fr"], "name_ar": entry["name_ar"],
            "description_fr": entry.get("description_fr", ""), "description_ar": entry.get("description_ar", ""),
            "keywords": entry.get("keywords", ""), "department": department, "position": position,
            "active": entry.get("active", True)})
        category.full_clean()


def export_section() -> dict:
    """The section read back: the services without their staff (people), and the categories in their order."""
    departments = [{"code": d.code, "name_fr": d.name_fr, "name_ar": d.name_ar, "active": d.active}
                   for d in Department.objects.order_by("code")]
    categories = [{"code": c.code, "name_fr": c.name_fr, "name_ar": c.name_ar, "description_fr": c.description_fr,
                   "description_ar": c.description_ar, "keywords": c.keywords,
                   "department": c.department.code if c.department else None, "active": c.active}
                  for c in Category.objects.select_related("department").order_by("position", "code")]
    return {"departments": departments, "categories": categories}
