"""The console's support panel, included in a commune's page: its form and the commune's latest sessions."""

from django import template

register = template.Library()


@register.simple_tag
def support_panel(commune, form=None):
    from tenants.console.support import panel_context

    return panel_context(commune, form or None)
