"""Recipients: checked and written in one canonical form before a message is queued."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from platform_core.notifications.models import OutboxMessage

MOROCCAN_NATIONAL = re.compile(r"0[5-8]\d{8}")
E164 = re.compile(r"\+[1-9]\d{7,14}")
MOROCCAN_E164 = re.compile(r"\+212[67]\d{8}")
PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")


def normalise_phone(value: str) -> str:
    """A mobile number in E.164 form: '06 12 34 56 78', '+212 612-345678' and '00212612345678' all give
    '+212612345678'."""
    number = PHONE_SEPARATORS.sub("", value or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    if MOROCCAN_NATIONAL.fullmatch(number):
        number = "+212" + number[1:]
    if not E164.fullmatch(number):
        raise ValidationError(
            _(
                "“%(value)s” is not a phone number. Enter a Moroccan mobile number (06… or 07…, ten digits) "
                "or an international number starting with +."
            ),
            code="invalid_phone",
            params={"value": value},
        )
    # Moroccan fixed lines (05…) and short or long numbers cannot receive an SMS.
    if number.startswith("+212") and not MOROCCAN_E164.fullmatch(number):
        raise ValidationError(
            _("“%(value)s” is not a Moroccan mobile number: an SMS can only go to a number starting with 06 or 07."),
            code="not_mobile",
            params={"value": value},
        )
    return number


def normalise_email(value: str) -> str:
    """The address with surrounding spaces removed and its domain in lower case."""
    address = (value or "").strip()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ValidationError(
            _("“%(value)s” is not a valid e-mail address."), code="invalid_email", params={"value": value}
        ) from exc
    local, _at, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_recipient(channel: str, value: str) -> str:
    if channel == OutboxMessage.Channel.SMS:
        return normalise_phone(value)
    if channel == OutboxMessage.Channel.EMAIL:
        return normalise_email(value)
    raise ValidationError(
        _("“%(channel)s” is not a notification channel."), code="invalid_channel", params={"channel": channel}
    )
