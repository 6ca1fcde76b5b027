"""Demo complaints for a demo commune: a few per category, from every channel, at every stage of the 60-day
clock (some answered, one reopened, some late), so that the back office and the statistics have something to
show. Seeded once: a second run adds nothing."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from modules.complaints import services
from modules.complaints.models import Category, Complaint

TEXTS = [
    ("complaint", "Le lampadaire devant l'école est en panne depuis deux semaines.", "fr"),
    ("complaint", "تراكم الأزبال بجانب السوق الأسبوعي منذ أيام.", "ar"),
    ("observation", "Un nid-de-poule dangereux s'est formé au carrefour principal.", "fr"),
    ("suggestion", "نقترح إضافة كراسي وأشجار في الحديقة العمومية.", "ar"),
    ("complaint", "Fuite d'eau sur la voie publique, rue des Oliviers.", "fr"),
    ("observation", "الكلاب الضالة قرب المدرسة الابتدائية تخيف الأطفال.", "ar"),
]


def seed_demo_data(section: dict) -> None:
    administrator = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if administrator is None or Complaint.objects.exists() or not Category.objects.filter(active=True).exists():
        return
    rng = random.Random(f"complaints:{connection.schema_name}")
    categories = list(Category.objects.filter(active=True))
    for index in range(int(section.get("demo_count", 18))):
        kind, text, language = TEXTS[index % len(TEXTS)]
        category = categories[index % len(categories)]
        filing = services.file_complaint(
            category=category, kind=kind, description=text, address="Centre-ville",
            latitude=33.8300 + rng.uniform(-0.01, 0.01), longitude=-4.8350 + rng.uniform(-0.01, 0.01),
            submitter=services.Submitter(name="Citoyen de démonstration", language=language),
            # Spread over the last 59 days (entered at the counter), so that some are near their reminder.
            channel=Complaint.Channel.COUNTER, actor=administrator,
            received_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 59), hours=rng.randint(0, 8)))
        if index % 3 == 2:
            continue
        services.start(filing.complaint.pk, actor=administrator)
        if index % 3 == 0:
            services.answer(filing.complaint.pk, actor=administrator,
                            text="Merci pour votre signalement : une équipe est intervenue et le problème est réglé.")
