from django.conf import settings


def platform(request):
    commune = getattr(request, "commune", None)
    return {
        "commune": commune,
        "platform_domain": settings.PLATFORM_DOMAIN,
        "is_training": bool(commune and commune.is_training),
    }
