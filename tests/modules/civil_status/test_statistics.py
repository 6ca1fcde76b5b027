"""Civil-status statistics: the figures of a known register year, the screen, the CSV and the home panel, for the
chef de bureau only, and only the commune's own acts."""

import csv
import datetime
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from modules.civil_status.bulk import copy_rows
from modules.civil_status.models import Act, Bureau
from modules.civil_status.statistics import key_figures, register_statistics, register_years
from modules.civil_status.views.statistics import nice_scale
from platform_core.modules.registry import registry
from platform_core.modules.roles import role_group
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import host_of

D = datetime.date
YEAR = 2024  # a past year: acts other tests sign (and some commit) carry this year's number
PASSWORD = "statistics-pw-2024"
STATISTICS = "/admin/civil_status/statistics/"
CSV = "/admin/civil_status/statistics/csv/"
# Columns COPY must fill: every stored column but the key and the search keys PostgreSQL computes.
COLUMNS = [field for field in Act._meta.concrete_fields if not field.primary_key and not field.generated]


def person(username, role=None, *, language="fr"):
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name="Nadia",
                                                last_name="Berrada", first_name_ar="نادية", last_name_ar="برادة")
    if role:
        user.groups.add(role_group("civil_status", role))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def signed(bureau, kind, sex, event, drawn_up, *, judgment="", clerk):
    """A signed act as the historical backlog loads it (signed acts are only ever inserted, never updated)."""
    return Act(bureau=bureau, kind=kind, status=Act.Status.SIGNED, year=drawn_up.year, sex=sex,
               first_names_ar="سلمى", first_names_latin="Salma", family_name_ar="الفاسي", family_name_latin="Fassi",
               event_date=event, event_hijri="-", event_place_fr="Sefrou", event_place_ar="صفرو",
               declarant={"name": "Ali Fassi"}, judgment_court="TPI Sefrou" if judgment else "",
               judgment_number=judgment, judgment_date=drawn_up if judgment else None, drafted_by=clerk,
               drafted_at=timezone.now(), drawn_up_on=drawn_up, signed_at=timezone.now())


def load(acts):
    """COPY the acts in, numbered 1, 2, ... per bureau, kind and year, as the registers number them."""
    numbers = {}
    for act in acts:
        if act.status == Act.Status.SIGNED:
            key = (act.bureau_id, act.kind, act.year)
            act.number = numbers[key] = numbers.get(key, 0) + 1
    copy_rows(Act, [field.column for field in COLUMNS],
              ([json.dumps(value) if isinstance(value, dict) else value for value in
                (getattr(act, field.attname) for field in COLUMNS)] for act in acts))


def known_year(main, annex, clerk):
    """The register year YEAR: 6 births (3 boys, 3 girls) and 3 deaths, 3 of them declared late; plus acts that
    must not count (another year, a draft)."""
    birth, death, m, f = Act.Kind.BIRTH, Act.Kind.DEATH, Act.Sex.MALE, Act.Sex.FEMALE
    acts = [
        signed(main, birth, m, D(YEAR, 1, 2), D(YEAR, 1, 5), clerk=clerk),
        signed(main, birth, m, D(YEAR - 1, 5, 1), D(YEAR, 1, 15), judgment="77/2024", clerk=clerk),  # late
        signed(main, birth, f, D(YEAR, 1, 10), D(YEAR, 1, 20), clerk=clerk),
        signed(main, birth, f, D(YEAR, 1, 20), D(YEAR, 3, 10), clerk=clerk),  # 50 days, a backlog act: late
        signed(main, death, m, D(YEAR, 1, 30), D(YEAR, 1, 31), clerk=clerk),
        signed(annex, birth, m, D(YEAR, 1, 3), D(YEAR, 1, 4), clerk=clerk),
        signed(annex, birth, f, D(YEAR, 12, 1), D(YEAR, 12, 31), clerk=clerk),  # 30 days: on time
        signed(annex, death, f, D(YEAR, 2, 1), D(YEAR, 2, 2), clerk=clerk),
        signed(annex, death, m, D(YEAR - 1, 12, 1), D(YEAR, 2, 5), clerk=clerk),  # 66 days: late
        # Not in YEAR's registers:
        signed(main, birth, m, D(YEAR - 1, 12, 30), D(YEAR - 1, 12, 31), clerk=clerk),
        signed(main, death, f, D(YEAR, 12, 30), D(YEAR + 1, 1, 2), clerk=clerk),
    ]
    load(acts)
    Act.objects.create(bureau=main, kind=birth, sex=m, first_names_ar="سعد", first_names_latin="Saad",
                       family_name_ar="الفاسي", family_name_latin="Fassi", event_date=D(YEAR, 6, 1), event_hijri="-",
                       event_place_fr="Sefrou", event_place_ar="صفرو", drafted_by=clerk)


@pytest.fixture
def bureaux(sefrou, in_commune):
    with in_commune(sefrou):
        return Bureau.objects.get(code="principal"), Bureau.objects.get(code="annexe-1")


@pytest.fixture
def year_of_acts(sefrou, in_commune, bureaux):
    with in_commune(sefrou):
        known_year(*bureaux, person("clerk.stats"))


@pytest.fixture
def head(sefrou, in_commune, client_for):
    """A chef de bureau who reads French, logged in."""
    with in_commune(sefrou):
        person("head.stats", "head")
    return login(client_for(sefrou), "head.stats")


def login(client, username):
    assert client.post("/admin/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_figures_of_a_known_year(sefrou, in_commune, bureaux, year_of_acts):
    main, annex = bureaux
    with in_commune(sefrou):
        statistics = register_statistics(YEAR)
    total = statistics.total
    assert (total.births, total.boys, total.girls, total.deaths) == (6, 3, 3, 3)
    assert (total.late_births, total.late_deaths, total.late) == (2, 1, 3)
    assert total.sex_ratio == 100 and round(total.late_share, 1) == 33.3
    months = {month: (tally.births, tally.deaths, tally.late) for month, tally in statistics.months}
    assert list(months) == list(range(1, 13))
    assert months == {1: (4, 1, 1), 2: (0, 2, 1), 3: (1, 0, 1), 4: (0, 0, 0), 5: (0, 0, 0), 6: (0, 0, 0),
                      7: (0, 0, 0), 8: (0, 0, 0), 9: (0, 0, 0), 10: (0, 0, 0), 11: (0, 0, 0), 12: (1, 0, 0)}
    per_bureau = {bureau.code: tally for bureau, tally in statistics.per_bureau}
    assert list(per_bureau) == ["principal", "annexe-1"]  # the main bureau first
    assert (per_bureau["principal"].births, per_bureau["principal"].deaths, per_bureau["principal"].late) == (4, 1, 2)
    assert per_bureau["principal"].sex_ratio == 100
    assert (per_bureau["annexe-1"].births, per_bureau["annexe-1"].deaths, per_bureau["annexe-1"].late) == (2, 2, 1)


def test_one_bureau_and_a_year_without_acts(sefrou, in_commune, bureaux, year_of_acts):
    _main, annex = bureaux
    with in_commune(sefrou):
        one = register_statistics(YEAR, bureau=annex)
        empty = register_statistics(YEAR - 5)
        assert YEAR in register_years() and YEAR - 1 in register_years()
    assert [bureau.code for bureau in one.bureaux] == ["annexe-1"]
    assert (one.total.births, one.total.deaths, one.total.late, one.total.sex_ratio) == (2, 2, 1, 100)
    assert empty.total.acts == 0 and empty.total.sex_ratio is None and empty.total.late_share is None
    assert [tally.acts for _month, tally in empty.months] == [0] * 12


def test_the_module_gives_its_key_figures_to_the_platform(sefrou, in_commune, year_of_acts):
    with in_commune(sefrou):
        assert key_figures(YEAR) == {"year": YEAR, "births": 6, "boys": 3, "girls": 3, "deaths": 3,
                                     "late_declarations": 3, "sex_ratio": 100.0, "late_share_percent": 33.3}
        assert registry.get("civil_status").statistics()["year"] == timezone.localdate().year


def test_the_screen_draws_the_charts_and_their_tables(head, year_of_acts):
    page = head.get(STATISTICS, {"year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'dir="ltr"' in html and 'role="img"' in html and 'aria-labelledby="cs-months-title cs-months-desc"' in html
    assert f'<desc id="cs-months-desc">Actes dressés en {YEAR}\u00a0: naissances 6, décès 3' in html
    assert html.count('class="cs-chart__bar cs-chart__bar--births"') == 12 + 2  # each month, then each bureau
    cells = re.sub(r">\s+<", "><", html)
    assert '<th scope="row">Janvier</th><td>4</td><td>3</td><td>1</td><td>1</td><td>1</td>' in cells
    assert "33,3" in html  # the share of late declarations, with a French decimal comma
    assert f"/admin/civil_status/statistics/csv/?year={YEAR}&amp;bureau=" in html


def test_in_arabic_the_months_run_from_the_right(sefrou, in_commune, client_for, year_of_acts):
    with in_commune(sefrou):
        person("head.ar", "head", language="ar")
    page = login(client_for(sefrou), "head.ar").get(STATISTICS, {"year": YEAR})
    html = page.content.decode()
    assert 'dir="rtl"' in html and "<th scope=\"row\">يناير</th>" in html and "المكتب الرئيسي" in html
    chart = page.context["month_chart"]
    january, december = chart.bars[0], chart.bars[-2]  # the births bars of the first and the last month
    assert january.x > december.x and january.title.startswith("يناير")
    assert chart.texts[-1].text == "دجنبر" and chart.texts[-1].x < chart.width / 2


def test_the_csv_opens_in_excel_with_arabic_names(sefrou, in_commune, client_for, year_of_acts, bureaux):
    with in_commune(sefrou):
        person("head.csv", "head", language="ar")
    answer = login(client_for(sefrou), "head.csv").get(CSV, {"year": YEAR})
    assert answer.status_code == 200 and answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["Content-Disposition"] == f'attachment; filename="civil-status-statistics-{YEAR}.csv"'
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    with translation.override("ar"):
        assert rows[0][4] == translation.gettext("Births") and rows[0][7] == translation.gettext("Deaths")
    assert len(rows) == 1 + 12 * 2
    assert rows[1] == [str(YEAR), "1", "principal", "المكتب الرئيسي", "3", "2", "1", "1", "1", "0"]
    assert rows[4] == [str(YEAR), "2", "annexe-1", "الملحقة 1", "0", "0", "0", "2", "0", "1"]
    assert rows[10] == [str(YEAR), "5", "annexe-1", "الملحقة 1", "0", "0", "0", "0", "0", "0"]  # no act: zeros
    one = login(client_for(sefrou), "head.csv").get(CSV, {"year": YEAR, "bureau": bureaux[1].pk})
    assert one["Content-Disposition"].endswith(f'-{YEAR}-annexe-1.csv"')
    assert len(one.content.decode("utf-8-sig").splitlines()) == 1 + 12


def test_bad_filters_are_refused_in_the_users_language(head):
    answer = head.get(STATISTICS, {"year": "1850"})
    assert answer.status_code == 400 and "Sélectionnez un choix valide" in answer.content.decode()
    assert head.get(CSV, {"year": "deux mille"}).status_code == 400


@pytest.mark.parametrize("role", ["agent", "officer", "consultation"])
def test_statistics_are_the_chef_de_bureaus(sefrou, in_commune, client_for, role):
    with in_commune(sefrou):
        person(f"{role}.stats", role)
    client = login(client_for(sefrou), f"{role}.stats")
    for refused in (client.get(STATISTICS), client.get(CSV)):
        # The Wagtail admin answers a PermissionDenied by sending the user home (not to the login page).
        assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert "cs-panel-heading" not in client.get("/admin/").content.decode()


def test_the_home_panel_shows_this_years_figures_to_the_chef_de_bureau(head):
    home = head.get("/admin/").content.decode()
    assert 'id="cs-panel-heading"' in home and f"{timezone.localdate().year}" in home
    assert 'aria-labelledby="cs-panel-months-title cs-panel-months-desc"' in home
    assert 'href="/admin/civil_status/statistics/"' in home


def test_a_commune_without_the_module_has_no_statistics(berkane, client_for):
    client = client_for(berkane)
    signed_in = client.post("/admin/login/", {"username": "admin.berkane", "password": "berkane-admin-pw"})
    assert signed_in.status_code == 302
    assert client.get(STATISTICS).status_code == 404
    assert client.get(CSV).status_code == 404
    assert "cs-panel-heading" not in client.get("/admin/").content.decode()


def test_berkanes_acts_never_count_in_sefrou(sefrou, berkane, in_commune, client_for, year_of_acts, head):
    set_subscriptions(berkane, ["civil_status"])
    with in_commune(berkane):
        own = Bureau.objects.create(code="berkane-centre", name_fr="Bureau de Berkane", name_ar="مكتب بركان",
                                    is_main=True)
        clerk = person("clerk.berkane")
        load([signed(own, Act.Kind.BIRTH, Act.Sex.MALE, D(YEAR, 1, 2), D(YEAR, 1, 3), clerk=clerk)
              for _ in range(5)])
        assert register_statistics(YEAR).total.births == 5
    with in_commune(sefrou):
        assert register_statistics(YEAR).total.births == 6
        sefrou_bureaux = set(Bureau.objects.values_list("pk", flat=True))
    sefrou_rows = head.get(CSV, {"year": YEAR}).content.decode("utf-8-sig")
    assert "berkane" not in sefrou_rows.lower() and "بركان" not in sefrou_rows
    # Berkane's bureau, asked for in Sefrou, is not a bureau there (or is another one, of Sefrou's).
    asked = head.get(CSV, {"year": YEAR, "bureau": own.pk})
    assert asked.status_code == (200 if own.pk in sefrou_bureaux else 400)
    assert "بركان" not in asked.content.decode("utf-8-sig")
    # Sefrou's session means nothing on Berkane's domain: the back office asks to sign in.
    head.defaults["HTTP_HOST"] = host_of(berkane)
    answer = head.get(STATISTICS, {"year": YEAR})
    assert answer.status_code == 302 and "/admin/login/" in answer["Location"]


@pytest.mark.parametrize(("largest", "scale"), [(0, (4, 1)), (7, (8, 2)), (1161, (1500, 500)), (13253, (15000, 5000))])
def test_the_value_axis_goes_by_round_steps(largest, scale):
    assert nice_scale(largest) == scale
