"""Fixtures of the régie tests: Sefrou's staff (tests/recipes/sefrou.yaml), its catalogue and books."""

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import inside


@pytest.fixture
def regie(sefrou):
    """Sefrou's schema, current for the test; yields a dict of its staff by username prefix."""
    with inside(sefrou):
        users = {user.username.split(".")[0]: user
                 for user in get_user_model().objects.filter(username__endswith=".sefrou")}
        yield users
