"""The demo recipes' `complaints` section loads (services, staff, categories) and applying it again changes
nothing; the demo complaints span the 60-day clock and are seeded once."""

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model

from modules.complaints import selectors
from modules.complaints.demo import seed_demo_data
from modules.complaints.models import Category, Complaint, Department
from modules.complaints.recipe import apply_recipe
from tests.conftest import inside

DEMO = settings.BASE_DIR / "recipes" / "demo"


def test_the_demo_section_loads_and_seeds_once(sefrou):
    section = yaml.safe_load((DEMO / "sefrou.yaml").read_text())["sections"]["complaints"]
    with inside(sefrou):
        members = {member for entry in section["departments"] for member in entry.get("members", [])}
        for username in members:  # the demo recipe's staff, which the test commune's recipe does not have
            get_user_model().objects.get_or_create(username=username)
        apply_recipe(section)
        apply_recipe(section)
        assert Department.objects.filter(code__in=["voirie", "hygiene", "accueil"]).count() == 3
        assert Department.objects.get(code="voirie").members.filter(username="admin.sefrou").exists()
        assert Category.objects.get(code="eclairage").department.code == "voirie"
        seed_demo_data(section)
        count = Complaint.objects.count()
        assert count == 18
        seed_demo_data(section)
        assert Complaint.objects.count() == count
        statuses = set(Complaint.objects.values_list("status", flat=True))
        assert {"new", "in_progress", "answered"} <= statuses
        figures = selectors.public_statistics()
        assert figures.total == count and figures.median_answer_days is not None
