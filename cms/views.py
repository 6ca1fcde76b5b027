"""Back-office screen of the portal: the pages to translate (a translation missing, never published, or older
than its original), for the communication staff."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.selectors import TranslationGap, pages_to_translate

EDITING_ACTIONS = ["add", "change", "publish"]


def can_edit_pages(user) -> bool:
    return PagePermissionPolicy().user_has_any_permission(user, EDITING_ACTIONS)


REASONS = {
    TranslationGap.MISSING: gettext_lazy("No translation"),
    TranslationGap.DRAFT: gettext_lazy("Translation never published"),
    TranslationGap.OUTDATED: gettext_lazy("Translation older than the original"),
}


class PagesToTranslateView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/pages_to_translate.html"
    page_title = gettext_lazy("Pages to translate")
    header_icon = "globe"

    def dispatch(self, request, *args, **kwargs):
        if not can_edit_pages(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["gaps"] = [(gap, REASONS[gap.reason]) for gap in pages_to_translate()]
        return context
