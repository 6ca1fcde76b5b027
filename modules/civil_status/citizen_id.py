"""The citizen identifier given at birth registration: the commune's code, a sequence number and a Luhn check
digit, so that a mistyped digit is caught at the counter. Numbers come from the gap-free numbering service and
are never reused."""

from platform_core.numbering.services import allocate

SERIES = "civil_status.citizen_id"
SEQUENCE_DIGITS = 8


def luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return str((10 - total % 10) % 10)


def is_valid(identifier: str) -> bool:
    return identifier.isdigit() and len(identifier) > 1 and luhn_digit(identifier[:-1]) == identifier[-1]


def format_identifier(commune_code: str, sequence: int) -> str:
    body = f"{commune_code}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + luhn_digit(body)


def new_identifier(commune_code: str) -> str:
    """Inside the signing transaction: the next identifier of this commune."""
    return format_identifier(commune_code, allocate(SERIES, 0))
