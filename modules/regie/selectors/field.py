"""Reads for a field collector's device: what it downloads before going out, so that it can work offline."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from modules.regie.models import Assessment, DeviceBlock, Receipt, ReceiptBook, Tariff, TariffVersion, TaxableItem

OPEN = (Assessment.Status.ISSUED, Assessment.Status.PARTLY_PAID)
LIVE_BOOK = (ReceiptBook.Status.ISSUED, ReceiptBook.Status.IN_USE)


def _versions():
    return Prefetch("versions", queryset=TariffVersion.objects.prefetch_related("zone_rates"))


def assigned_items(collector) -> list[TaxableItem]:
    """The active items the collector is assigned, with their taxpayer, tariff (versions and zone rates) and open
    assessments (`open_assessments`)."""
    open_assessments = Prefetch(
        "assessments",
        queryset=(Assessment.objects.filter(status__in=OPEN).select_related("tariff_version__tariff")
                  .order_by("due_date", "number")),
        to_attr="open_assessments",
    )
    return list(
        TaxableItem.objects.filter(collector=collector, active=True)
        .select_related("taxpayer", "tariff")
        .prefetch_related(open_assessments, Prefetch("tariff__versions",
                                                      queryset=TariffVersion.objects.prefetch_related("zone_rates")))
        .order_by("address", "reference")
    )


def active_tariffs() -> list[Tariff]:
    """The catalogue's tariffs in use, for fees collected without an assessment."""
    return list(Tariff.objects.filter(active=True).prefetch_related(_versions()).order_by("code"))


def open_blocks(collector, device_id: str | None = None) -> list[DeviceBlock]:
    """The collector's blocks on books still in their hands, each with its numbers not yet uploaded
    (`unused_numbers`)."""
    blocks = (DeviceBlock.objects.filter(collector=collector, book__status__in=LIVE_BOOK)
              .select_related("book").order_by("book__serial", "first_number"))
    if device_id:
        blocks = blocks.filter(device_id=device_id)
    blocks = list(blocks)
    recorded = set(Receipt.objects.filter(device_block__in=blocks).values_list("book_id", "number"))
    for block in blocks:
        block.unused_numbers = [number for number in range(block.first_number, block.last_number + 1)
                                if (block.book_id, number) not in recorded]
    return blocks


def assignment(collector, device_id: str | None = None) -> dict:
    return {
        "collector": collector,
        "generated_at": timezone.now(),
        "items": assigned_items(collector),
        "tariffs": active_tariffs(),
        "blocks": open_blocks(collector, device_id),
    }
