"""The back office's "Journal" menu, for the commune's administrators: the audit journal, and whatever other apps
register with the `register_journal_menu_item` hook (tenants adds the support sessions)."""

from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from platform_core.audit import views


class JournalMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_read_journal(request.user)


class JournalMenu(SubmenuMenuItem):
    def is_shown(self, request):
        return views.can_read_journal(request.user) and super().is_shown(request)


@hooks.register("register_admin_urls")
def journal_urls():
    return [path("journal/", views.AuditJournalView.as_view(), name="audit_journal")]


@hooks.register("register_admin_menu_item")
def journal_menu():
    return JournalMenu(_("Journal"), Menu(register_hook_name="register_journal_menu_item"), icon_name="history",
                       order=9000, name="journal")


@hooks.register("register_journal_menu_item")
def audit_journal_item():
    return JournalMenuItem(_("Audit journal"), reverse_lazy("audit_journal"), icon_name="list-ul", order=100,
                           name="audit-journal")
