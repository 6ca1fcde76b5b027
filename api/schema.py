from django.db import connection

from platform_core.modules.registry import module_enabled, registry


def hide_disabled_modules(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: a commune's schema documents only the modules it has on."""
    commune = getattr(connection, "tenant", None)
    closed = [
        f"/api/v1/{spec.api_prefix or spec.key}/"
        for spec in registry.all()
        if spec.api_routes and not module_enabled(commune, spec.key)
    ]
    return [endpoint for endpoint in endpoints if not any(endpoint[0].startswith(prefix) for prefix in closed)]
