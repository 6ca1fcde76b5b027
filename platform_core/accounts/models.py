from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.locale import is_arabic


class User(AbstractUser):
    """A person who signs in: an operator in the public schema, or a commune's staff member or citizen in the
    commune's own schema. The same model in both, in separate tables, so an account never spans communes.

    Names of people are kept in Latin script (first_name, last_name) and in Arabic script.
    """

    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=150, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def full_name_ar(self) -> str:
        return f"{self.first_name_ar} {self.last_name_ar}".strip()

    def display_name(self, language: str | None = None) -> str:
        """The name in the script of the language at hand, falling back to the other script, then the username."""
        latin = self.get_full_name()
        arabic = self.full_name_ar()
        preferred, other = (arabic, latin) if is_arabic(language) else (latin, arabic)
        return preferred or other or self.get_username()


class RoleGroup(models.Model):
    """Ties a Group to the module role it stands for, so the Group's name can be shown in both languages
    and renamed without losing which role it is (platform_core.modules.roles keeps them in step)."""

    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="role")
    module_key = models.CharField(_("module"), max_length=60)
    role_key = models.CharField(_("role"), max_length=60)

    class Meta:
        verbose_name = _("module role")
        verbose_name_plural = _("module roles")
        constraints = [models.UniqueConstraint(fields=["module_key", "role_key"], name="one_group_per_role")]

    def __str__(self) -> str:
        return f"{self.module_key}.{self.role_key}"
