"""The town portal as a module: its roles for the communication staff who write its pages.

The pages themselves are served to every commune; subscribing to `portal` gives the commune its editorial roles,
and ensure_portal (cms/portal.py) grants them on the page tree and puts every page under the review workflow.
"""

from platform_core.modules.registry import ModuleSpec, Role, registry

# Images and documents that pages show (emblem, news photos, minutes, recruitment notices).
_MEDIA = [
    "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
    "wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document",
]


def onboarding_checks(commune) -> list:
    from cms.onboarding import checks

    return checks(commune)


spec = registry.register(
    ModuleSpec(
        key="portal",
        name_fr="Portail",
        name_ar="البوابة",
        app_label="cms",
        menu_order=50,
        onboarding_checks=onboarding_checks,
        roles=[
            # Page rights (add and change; publish for moderators) live on the page tree in Wagtail
            # (GroupPagePermission): cms.portal.ensure_moderation grants them on the home pages.
            Role("editor", "Rédacteur", "محرر", [*_MEDIA, "simple_translation.submit_translation"], essential=False),
            Role("moderator", "Modérateur", "مشرف على النشر", [
                *_MEDIA, "simple_translation.submit_translation", "wagtailimages.delete_image",
                "wagtaildocs.delete_document",
            ]),
        ],
    )
)
