"""Gap-free numbering per series and year, under real concurrency on real PostgreSQL."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from platform_core.numbering.models import Sequence
from platform_core.numbering.services import allocate, allocate_block, peek


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Real commits (the numbers must survive their transactions), in Sefrou's schema."""
    with django_db_blocker.unblock():
        connection.set_schema("sefrou")
        series = f"test-{uuid.uuid4().hex[:8]}"
        yield series
        connection.set_schema("sefrou")
        Sequence.objects.filter(series=series).delete()
        connection.set_schema_to_public()


def _in_thread(schema, work):
    try:
        connection.set_schema(schema)
        return work()
    finally:
        connections.close_all()


def test_fifty_concurrent_allocations_give_exactly_one_to_fifty(committed):
    barrier = threading.Barrier(50)

    def take():
        barrier.wait()
        with transaction.atomic():
            return allocate(committed, 2026)

    with ThreadPoolExecutor(max_workers=50) as pool:
        numbers = list(pool.map(lambda _: _in_thread("sefrou", take), range(50)))
    assert sorted(numbers) == list(range(1, 51))
    assert peek(committed, 2026) == 50


def test_a_rolled_back_allocation_gives_its_number_back(committed):
    with transaction.atomic():
        assert allocate(committed, 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert allocate(committed, 2026) == 2
        raise RuntimeError("the act was not saved")
    with transaction.atomic():
        assert allocate(committed, 2026) == 2


def test_series_and_years_are_independent(committed):
    with transaction.atomic():
        assert allocate(committed, 2025) == 1
        assert allocate(committed, 2026) == 1
        assert allocate(f"{committed}-other", 2026) == 1
        assert allocate(committed, 2026) == 2
    Sequence.objects.filter(series=f"{committed}-other").delete()


def test_blocks_are_contiguous(committed):
    with transaction.atomic():
        assert allocate(committed, 2026) == 1
        assert list(allocate_block(committed, 2026, 25)) == list(range(2, 27))
        assert allocate(committed, 2026) == 27


def test_numbers_are_taken_only_inside_a_transaction(committed):
    with pytest.raises(transaction.TransactionManagementError):
        allocate(committed, 2026)


def test_each_commune_numbers_on_its_own(committed):
    with transaction.atomic():
        assert allocate(committed, 2026) == 1
    connection.set_schema("berkane")
    try:
        with transaction.atomic():
            assert allocate(committed, 2026) == 1
    finally:
        Sequence.objects.filter(series=committed).delete()
        connection.set_schema("sefrou")
