"""Declared registers when two people act at once, and a recipe's declared registers when they are wrong: the user
gets the translated message of what happened (never a 500), the operator a recipe error that names the entry and
what is wrong with it (never "Provisioning failed: KeyError"), and nothing is half-written.

The other person is a real second database session (its own thread): it writes in Sefrou's schema and keeps its
transaction open until this session waits on one of its locks, then commits, as a colleague's request would."""

import threading
import time
from contextlib import contextmanager

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tenants.utils import schema_context, schema_exists

from modules.civil_status.importing import declarations
from modules.civil_status.importing.models import DeclaredRegister
from modules.civil_status.models import Bureau
from tenants.models import Commune
from tenants.recipes import RecipeError, parse_recipe
from tenants.services.provisioning import provision_commune
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import RECIPES, drop_commune, inside, says

BASE = "/admin/civil_status/registers/"
YEAR = 1977  # a register year nothing else in the test communes declares
ALREADY = "This register is already declared for this bureau: change its count instead."
GONE = "This register is no longer declared: it was withdrawn meanwhile."
INVALID = "The recipe is not valid:"


def _run_in_another_session(schema: str, work, *, until=None):
    """Run `work` in a new session inside `schema` (a transaction, committed at the end); with `until`, keep the
    transaction open until `until()` holds. Returns (thread, started event, failures)."""
    started, failures = threading.Event(), []

    def run():
        try:
            with schema_context(schema), transaction.atomic():
                work()
                started.set()
                deadline = time.monotonic() + 30
                while until is not None and not until():
                    if time.monotonic() > deadline:
                        raise AssertionError("the other session never waited for this one")
                    time.sleep(0.02)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)
        finally:
            started.set()
            connection.close()

    thread = threading.Thread(target=run, name="colleague")
    thread.start()
    return thread, started, failures


def _finish(thread, failures):
    thread.join(60)
    assert not thread.is_alive()
    if failures:
        raise failures[0]


def elsewhere(schema: str, work) -> None:
    """Run and commit `work` in another session (what this test's own transaction must not hold)."""
    thread, _started, failures = _run_in_another_session(schema, work)
    _finish(thread, failures)


def _someone_waits_on_a_lock() -> bool:
    """Whether a session of this database (the test's, waiting behind the colleague) waits on a lock."""
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND "
                       "wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone() is not None


@contextmanager
def colleague_first(schema: str, work):
    """Inside the block, a colleague's transaction has run `work` and commits as soon as this session waits on it."""
    thread, started, failures = _run_in_another_session(schema, work, until=_someone_waits_on_a_lock)
    assert started.wait(30)
    try:
        yield
    finally:
        _finish(thread, failures)


@pytest.fixture
def registers(sefrou):
    """Sefrou's main bureau and chef (the administrator); registers of YEAR committed by a colleague are removed
    at the end."""
    with inside(sefrou):
        admin = get_user_model().objects.get(username="admin.sefrou")
        main = Bureau.objects.get(code="principal")
    yield {"admin": admin, "bureau": main}
    elsewhere(sefrou.schema_name, lambda: DeclaredRegister.objects.filter(year=YEAR).delete())


def signed_in(client_for, commune, user):
    client = client_for(commune)
    with inside(commune):  # the session and the last login are the commune's
        client.force_login(user)
    return client


def declared_by_colleague(sefrou, bureau, **values) -> DeclaredRegister:
    created = []
    elsewhere(sefrou.schema_name, lambda: created.append(DeclaredRegister.objects.create(
        bureau_id=bureau.pk, kind="birth", year=YEAR, acts_declared=values.get("acts_declared", 5))))
    return created[0]


def test_a_double_submit_is_told_the_register_is_declared(sefrou, registers, client_for):
    """Both submissions pass the check before either has inserted; the second meets the unique constraint and its
    form shows the message a later submission would have had."""
    bureau = registers["bureau"]
    client = signed_in(client_for, sefrou, registers["admin"])
    twin = lambda: DeclaredRegister.objects.create(bureau_id=bureau.pk, kind="birth", year=YEAR, acts_declared=7)  # noqa: E731
    with colleague_first(sefrou.schema_name, twin):
        response = client.post(f"{BASE}new/", {"bureau": bureau.pk, "kind": "birth", "year": str(YEAR),
                                               "acts_declared": "8"})
    assert response.status_code == 200 and says(response, ALREADY)
    with inside(sefrou):
        assert list(DeclaredRegister.objects.filter(year=YEAR).values_list("acts_declared", flat=True)) == [7]


def test_the_service_turns_the_constraint_into_the_validation_error(sefrou, registers):
    bureau, admin = registers["bureau"], registers["admin"]
    twin = lambda: DeclaredRegister.objects.create(bureau_id=bureau.pk, kind="death", year=YEAR, acts_declared=2)  # noqa: E731
    with inside(sefrou), colleague_first(sefrou.schema_name, twin), pytest.raises(ValidationError) as refused:
        declarations.declare_register(actor=admin, data={"bureau": bureau, "kind": "death", "year": YEAR,
                                                         "acts_declared": 3})
    assert refused.value.message_dict == {"year": [gettext(ALREADY)]}
    with inside(sefrou):
        assert DeclaredRegister.objects.filter(year=YEAR).count() == 1


def test_changing_a_register_withdrawn_meanwhile_says_so(sefrou, registers, client_for):
    """The change form was shown; the colleague withdraws the register while the change waits for its row."""
    register = declared_by_colleague(sefrou, registers["bureau"])
    client = signed_in(client_for, sefrou, registers["admin"])
    assert client.get(f"{BASE}{register.pk}/").status_code == 200
    with colleague_first(sefrou.schema_name, lambda: DeclaredRegister.objects.filter(pk=register.pk).delete()):
        response = client.post(f"{BASE}{register.pk}/", {"bureau": registers["bureau"].pk, "kind": "birth",
                                                         "year": str(YEAR), "acts_declared": "9"})
    assert response.status_code == 200 and says(response, GONE)
    with inside(sefrou):
        assert not DeclaredRegister.objects.filter(year=YEAR).exists()
    assert client.get(f"{BASE}{register.pk}/").status_code == 404  # and the next look finds nothing


def test_withdrawing_a_register_withdrawn_meanwhile_says_so(sefrou, registers, client_for):
    register = declared_by_colleague(sefrou, registers["bureau"])
    client = signed_in(client_for, sefrou, registers["admin"])
    with colleague_first(sefrou.schema_name, lambda: DeclaredRegister.objects.filter(pk=register.pk).delete()):
        response = client.post(f"{BASE}{register.pk}/withdraw/")
    assert response.status_code == 302 and response["Location"] == BASE
    listing = client.get(BASE)
    assert says(listing, GONE) and not says(listing, "The declaration is withdrawn.")


def test_another_communes_register_cannot_be_withdrawn(sefrou, berkane, registers, client_for):
    """Cross-commune: a register of Sefrou, addressed by its id on Berkane's domain, is not found and stays."""
    with inside(sefrou):
        register = declarations.declare_register(actor=registers["admin"], data={
            "bureau": registers["bureau"], "kind": "birth", "year": YEAR, "acts_declared": 4})
    keys = list(berkane.subscriptions.filter(active=True).values_list("module_key", flat=True))
    set_subscriptions(berkane, [*keys, "civil_status"])
    with inside(berkane):
        admin = get_user_model().objects.get(username="admin.berkane")
    client = signed_in(client_for, berkane, admin)
    assert client.post(f"{BASE}{register.pk}/withdraw/").status_code == 404
    assert client.post(f"{BASE}{register.pk}/", {"bureau": "1", "kind": "birth", "year": str(YEAR),
                                                 "acts_declared": "1"}).status_code == 404
    with inside(sefrou):
        assert DeclaredRegister.objects.filter(pk=register.pk, acts_declared=4).exists()


# --- Declared registers in a recipe -------------------------------------------------------------------------

NEXT_YEAR = timezone.localdate().year + 1
GOOD = {"bureau": "principal", "kind": "birth", "year": YEAR, "acts_declared": 12}


@pytest.mark.parametrize("entry, field, message", [
    ({key: value for key, value in GOOD.items() if key != "kind"}, "kind", "this field is required"),
    ({key: value for key, value in GOOD.items() if key != "acts_declared"}, "acts_declared",
     "this field is required"),
    ({**GOOD, "year": NEXT_YEAR}, "year", "A register of a year to come cannot be declared."),
    ({**GOOD, "acts_declared": 0}, "acts_declared", "a register holds at least one act"),
    ({**GOOD, "acts_declared": -3}, "acts_declared", "a register holds at least one act"),
    ({**GOOD, "acts_declared": 2.5}, "acts_declared", "must be a whole number"),
    ({**GOOD, "year": "mil neuf cent"}, "year", "must be a whole number"),
    ({**GOOD, "bureau": "nowhere"}, "bureau",
     "no bureau has the code %(code)s (declare it under civil_status.bureaux)"),
    ({**GOOD, "registre": "B"}, "registre", "unknown field (check its spelling and indentation)"),
])
def test_a_wrong_declared_register_in_a_recipe_is_a_clear_recipe_error(sefrou, entry, field, message):
    with inside(sefrou), pytest.raises(RecipeError) as refused:
        declarations.load_declarations([GOOD | {"year": YEAR - 1}, entry])
    expected = gettext(message) % {"code": "nowhere"} if "%(code)s" in message else gettext(message)
    assert str(refused.value) == (f"{gettext(INVALID)}\n"
                                  f"civil_status.declared_registers.1.{field}: {expected}")


def test_declared_registers_must_be_a_list_of_mappings(sefrou):
    with inside(sefrou):
        with pytest.raises(RecipeError) as refused:
            declarations.load_declarations({"bureau": "principal"})
        assert str(refused.value) == gettext("civil_status.declared_registers: must be a list")
        with pytest.raises(RecipeError) as refused:
            declarations.load_declarations(["principal 1977"])
        assert str(refused.value) == (f"{gettext(INVALID)}\n"
                                      f"civil_status.declared_registers.0: {gettext('must be a mapping (key: value)')}")


def test_a_good_recipe_declares_and_a_second_run_updates(sefrou):
    with inside(sefrou):
        declarations.load_declarations([GOOD, {**GOOD, "kind": "death", "year": str(YEAR), "note": "relié"}])
        declarations.load_declarations([{**GOOD, "acts_declared": 15}])
        assert sorted(DeclaredRegister.objects.filter(year=YEAR).values_list("kind", "acts_declared", "note")) == [
            ("birth", 15, ""), ("death", 12, "relié")]


@pytest.fixture
def unblocked(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


def test_provisioning_with_a_wrong_declared_register_keeps_nothing(unblocked):
    """Through provisioning: the recipe error reaches the operator as it is, and neither commune nor schema stays."""
    slug = "declared-errors"
    drop_commune(slug)
    data = yaml.safe_load((RECIPES / "onboarding.yaml").read_text(encoding="utf-8"))
    data["commune"]["slug"], data["domains"] = slug, [slug]
    data["sections"] = {"civil_status": {
        "bureaux": [{"code": "principal", "name_fr": "Bureau principal", "name_ar": "المكتب الرئيسي"}],
        "declared_registers": [{"bureau": "principal", "kind": "birth", "acts_declared": 3}]}}
    recipe = parse_recipe(data, source=RECIPES / "onboarding.yaml")
    try:
        with pytest.raises(RecipeError) as refused:
            provision_commune(recipe, check_template=False)
        assert str(refused.value) == (f"{gettext(INVALID)}\n"
                                      f"civil_status.declared_registers.0.year: {gettext('this field is required')}")
        assert not Commune.objects.filter(slug=slug).exists()
        assert not schema_exists(Commune.schema_name_for(slug))
    finally:
        drop_commune(slug)

