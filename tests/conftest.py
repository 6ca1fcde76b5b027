"""Shared test set-up: one test database on real PostgreSQL (embedded, or DATABASE_URL), its template commune
migrated once, and three communes provisioned from tests/recipes by clone: Sefrou (with the noticeboard test
module), Berkane (no module) and a training commune."""

from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

RECIPES = Path(__file__).parent / "recipes"
TEST_COMMUNES = ("sefrou", "berkane", "formation")


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_createdb):
    """pytest-django's set-up, except that the test database is always made (pytest-django skips it when no
    collected test asks for `db`, and browser or worker tests do not), and the test communes are provisioned."""
    from django.test.utils import setup_databases, teardown_databases

    from tenants.recipes import load_recipe
    from tenants.services.provisioning import provision_commune
    from tenants.services.template import ensure_template

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=request.config.option.verbose, interactive=False, keepdb=keepdb,
                                 aliases={"default"}, serialized_aliases=set())
        if not connection.settings_dict["NAME"].startswith("test_"):
            pytest.exit("Refusing to provision test communes outside a test database.", returncode=3)
        _forget_cache_of_earlier_runs()
        ensure_template()
        for name in TEST_COMMUNES:
            provision_commune(load_recipe(RECIPES / f"{name}.yaml"), check_template=False)
        connection.set_schema_to_public()
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            teardown_databases(config, verbosity=request.config.option.verbose)


def _forget_cache_of_earlier_runs():
    """Test schemas are re-created with the same names each run; their cache entries must not outlive them."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    # Keys are "<schema>:<prefix>:<version>:<key>" (django_tenants.cache.make_key).
    for key in client.scan_iter(match=f"*:{prefix}:*", count=1000):
        if key.decode().split(":", 3)[1] == prefix:
            client.delete(key)


def pytest_sessionfinish(session, exitstatus):
    from platform_core import embedded

    started = getattr(settings, "EMBEDDED_STARTED", {})
    if started.get("postgres") or started.get("redis"):
        embedded.stop_all()


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    from platform_core.routing import routing_table

    routing_table.clear()
    yield
    connection.set_schema_to_public()
    routing_table.clear()


def _commune(slug):
    from tenants.models import Commune

    connection.set_schema_to_public()
    return Commune.objects.get(slug=slug)


@pytest.fixture
def sefrou(db):
    return _commune("sefrou")


@pytest.fixture
def berkane(db):
    return _commune("berkane")


@pytest.fixture
def formation(db):
    return _commune("formation-sefrou")


@contextmanager
def inside(commune):
    """Run the block in the commune's schema (as a request routed to it would)."""
    with schema_context(commune.schema_name):
        connection.tenant = commune
        yield commune


@pytest.fixture
def in_commune():
    return inside


def subprocess_database_url() -> str:
    """DATABASE_URL of the test database, for a server or worker the tests start."""
    from urllib.parse import quote

    db = connection.settings_dict
    host = db.get("OPTIONS", {}).get("host") or db["HOST"] or "localhost"
    if host.startswith("/"):
        return f"postgres://{db['USER']}@/{db['NAME']}?host={quote(host, safe='/')}"
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def host_of(commune) -> str:
    return f"{commune.slug}.{settings.PLATFORM_DOMAIN}"


@pytest.fixture
def client_for():
    """A test client whose requests go to a commune's domain (or the platform's, given None)."""

    def make(commune=None, **defaults):
        return Client(HTTP_HOST=host_of(commune) if commune else settings.PLATFORM_DOMAIN, **defaults)

    return make


def says(response, message: str) -> bool:
    """Whether the page shows `message` (an English msgid) in the page's own language, so that a test holds
    whatever the catalogues say."""
    import html

    from django.utils import translation

    with translation.override(response.get("Content-Language") or settings.LANGUAGE_CODE):
        expected = translation.gettext(message)
    return expected in html.unescape(response.content.decode())


def table_state(schema: str) -> dict[str, tuple[int, str]]:
    """Per table of the schema: its row count and the md5 of its rows in order (to compare two states)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        tables = [row[0] for row in cursor.fetchall()]
        state = {}
        for table in tables:
            cursor.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
                           f'FROM "{schema}"."{table}" t')
            state[table] = cursor.fetchone()
    return state


def drop_commune(slug: str) -> None:
    """Drop a commune a test provisioned for committed data: its schema and its rows in the public schema."""
    from tenants.models import Commune, SupportSession

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # inside a test's transaction, deferred triggers would block the DROP
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'DROP SCHEMA IF EXISTS "{Commune.schema_name_for(slug)}" CASCADE')
    SupportSession.objects.filter(commune__slug=slug).delete()  # kept forever in production, not in tests
    Commune.objects.filter(slug=slug).delete()


def console_account(username: str, password: str, *, permission: str = "operate_communes"):
    """An account of the public schema allowed into the console: an operator, or a trainer with
    permission="run_trainings". Created in the public schema whatever the connection's current one."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    with schema_context("public"):
        user = get_user_model().objects.create_user(username, password=password, is_staff=True)
        user.user_permissions.add(Permission.objects.get(content_type__app_label="tenants", codename=permission))
    return user
