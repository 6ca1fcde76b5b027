from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class CitizenProfile(models.Model):
    """What makes a User of a commune's schema a citizen with a portal account (compte citoyen).

    The account is signed up with a mobile phone number or an e-mail address and stays inactive until the
    one-time code sent there is typed back. Citizens never get back-office access (no staff flag, no group).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile")
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("preferred language"), max_length=5, choices=settings.LANGUAGES, default="ar")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("citizen account")
        verbose_name_plural = _("citizen accounts")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="citizen_unique_phone"),
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="citizen_unique_email"),
            models.CheckConstraint(condition=~models.Q(phone="", email=""), name="citizen_phone_or_email"),
        ]

    def __str__(self) -> str:
        return self.phone or self.email

    @property
    def identifier(self) -> str:
        """Where the account's codes are sent: its phone number, else its e-mail address."""
        return self.phone or self.email

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class OneTimeCode(models.Model):
    """A 6-digit code sent by SMS or e-mail to prove the citizen holds the phone or the address.

    Only a keyed hash of the code is kept. A code dies when used, after its lifetime, or after too many wrong
    tries; a newer code of the same purpose for the same account replaces it.
    """

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("Account verification")
        PASSWORD_RESET = "password_reset", _("Password reset")

    profile = models.ForeignKey(CitizenProfile, on_delete=models.CASCADE, related_name="codes")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    recipient = models.CharField(_("recipient"), max_length=254, db_index=True)
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    failed_attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.recipient}"
