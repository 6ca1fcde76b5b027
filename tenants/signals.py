from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from platform_core.routing import bump_generation
from tenants.models import Commune, Domain, Subscription


@receiver([post_save, post_delete], sender=Commune)
@receiver([post_save, post_delete], sender=Domain)
@receiver([post_save, post_delete], sender=Subscription)
def forget_routes(**kwargs):
    transaction.on_commit(bump_generation)
