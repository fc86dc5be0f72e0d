"""The city level (issue 20): a city of two counties typed by hand (tests/city_books.py), each county's file
imported with the real importer into one database, on SQLite and PostgreSQL; the figures at city, county and
township level counted by hand; a county's user confined to the county; a county's refresh touching only its
own rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from queries import leads, targets
from queries.filters import Filter
from queries.schema import metadata
from tests.city_books import AS_OF, EA, EAST, EB, WC, WEST, east, import_city
from tests.handbuilt import import_county, write_book

FIGURES = ["households", "open_red", "open_orange", "open_yellow", "open_total", "overdue", "per_100"]


@pytest.fixture
def city(empty_db, tmp_path):
    import_city(empty_db, tmp_path)
    with empty_db.connect() as conn:
        yield conn


def figures(conn, f: Filter, by: str) -> dict:
    d = leads.leads_by_area(conn, f, by)
    return {(code, name): tuple(row) for code, name, *row in d[["code", "name", *FIGURES]].itertuples(index=False)}


def test_the_city_counties_and_townships_counted_by_hand(city):
    f = Filter(as_of=AS_OF)
    # the city: 11 households; open E1 red, E3 yellow, W1 red, W2 orange, W3 yellow (E5 closed 05-10) = 5;
    # 5 / 11 x 100 = 45.45; overdue E1 (raised 06-01) and W2 (03-01)
    assert figures(city, f, "all") == {("all", "全市"): (11, 2, 1, 2, 5, 2, 45.45)}
    # 东县 6 households, E1 E3 open = 2 -> 33.33, E1 overdue; 西县 5 households, W1 W2 W3 = 3 -> 60.0, W2 overdue
    assert figures(city, f, "county") == {(EAST, "东县"): (6, 1, 0, 1, 2, 1, 33.33),
                                          (WEST, "西县"): (5, 1, 1, 1, 3, 1, 60.0)}
    # 甲镇 E1-E4: 2 open of 4 -> 50.0; 乙镇 E5 E6: none open; 丙镇 = 西县
    assert figures(city, f, "township") == {(EA, "甲镇"): (4, 1, 0, 1, 2, 1, 50.0), (EB, "乙镇"): (2, 0, 0, 0, 0, 0, 0.0),
                                            (WC, "丙镇"): (5, 1, 1, 1, 3, 1, 60.0)}
    # one county chosen: its whole row is named for it, its townships only
    east_only = Filter(as_of=AS_OF, county=EAST)
    assert figures(city, east_only, "all") == {("all", "东县"): (6, 1, 0, 1, 2, 1, 33.33)}
    assert [code for code, _ in figures(city, east_only, "township")] == [EA, EB]


def test_each_county_keeps_its_own_target(city):
    """Both files say 全县: each is stored for its own county, so neither import overwrote the other's."""
    got = sorted(city.execute(sa.text("SELECT scope, value FROM targets")).all())
    assert got == [(EAST, 0.95), (EA, 0.98), (WEST, 0.90)]
    by_county = targets.target_values(city, Filter(as_of=AS_OF, county=WEST))
    assert by_county[["scope", "value"]].values.tolist() == [["county", 0.90]]   # 西县's own, as "the county's"
    town = targets.target_values(city, Filter(as_of=AS_OF, township=EA)).set_index("scope").value.to_dict()
    assert town == {"county": 0.95, EA: 0.98}   # 甲镇: 东县's target and its own


@pytest.mark.parametrize("asked", [dict(), dict(county=WEST), dict(township=WC), dict(village=WC + "201")],
                         ids=["nothing", "other-county", "other-township", "other-village"])
def test_a_county_user_is_confined_to_the_county_whatever_is_asked(city, asked):
    f = Filter(as_of=AS_OF, scope=EAST, **asked)   # what the pipeline makes of any filter for 东县's user
    assert f.county == EAST and f.township in (None,) and f.village is None
    assert figures(city, f, "all") == {("all", "东县"): (6, 1, 0, 1, 2, 1, 33.33)}
    assert set(leads.leads_by_area(city, f, "county").code) == {EAST}
    assert set(leads.leads_by_area(city, f, "township").code) == {EA, EB}
    listed = leads.open_lead_list(city, f)
    assert sorted(listed.household_code) == ["E1", "E3"]


def _rows_of(conn, county: str) -> dict[str, list]:
    """Every row of every table that lies in `county`, by the table's own area or household."""
    out = {}
    for table in metadata.sorted_tables:
        c = table.c
        if "township_code" in c:
            where = c.township_code.like(f"{county}%")
        elif "village_code" in c:
            where = c.village_code.like(f"{county}%")
        elif "household_id" in c:
            where = c.household_id.in_(sa.select(metadata.tables["households"].c.id).where(
                metadata.tables["households"].c.township_code.like(f"{county}%")))
        elif table.name == "targets":
            where = c.scope.like(f"{county}%")
        else:
            continue
        out[table.name] = sorted(map(tuple, conn.execute(sa.select(table).where(where)).all()), key=repr)
    return out


def test_a_county_refresh_changes_only_that_county(empty_db, tmp_path):
    import_city(empty_db, tmp_path)
    with empty_db.connect() as conn:
        west_before, east_before = _rows_of(conn, WEST), _rows_of(conn, EAST)
    import_county(empty_db, write_book(tmp_path / "东县7月.xlsx", east(red_for_e4=True)), as_of=AS_OF)
    with empty_db.connect() as conn:
        assert _rows_of(conn, WEST) == west_before
        east_after = _rows_of(conn, EAST)
        assert east_after != east_before and len(east_after["warnings"]) == len(east_before["warnings"]) + 1
        f = Filter(as_of=AS_OF)
        # E4's red lead: 东县 3 open of 6 -> 50.0, 西县 unchanged
        assert figures(conn, f, "county") == {(EAST, "东县"): (6, 2, 0, 1, 3, 1, 50.0),
                                              (WEST, "西县"): (5, 1, 1, 1, 3, 1, 60.0)}


def test_a_target_for_the_whole_county_needs_one_county_in_the_file(empty_db, tmp_path):
    from seed.importer import import_files
    from tests.city_books import west
    both = east() | {"县": east()["县"] + west()["县"], "乡镇": east()["乡镇"] + west()["乡镇"]}
    result = import_files([write_book(tmp_path / "两县.xlsx", both)], empty_db, as_of=AS_OF)
    assert not result.ok
    assert any("无法确定“全县”指哪个县" in e.message for e in result.errors)


def test_the_generator_makes_a_city_of_counties():
    from seed.generate import Config, generate
    t = generate(Config(households=6_000, seed=7, counties=3, as_of=AS_OF))
    counties, towns, villages = t["county"], t["townships"], t["villages"]
    assert counties.code.tolist() == ["439901", "439902", "439903"] and counties.name.is_unique
    per_county = towns.groupby("county_code").size()
    assert per_county.between(10, 25).all() and len(per_county) == 3
    assert all(code.startswith(c) for code, c in zip(towns.code, towns.county_code))
    assert all(v.startswith(tc) for v, tc in zip(villages.code, villages.township_code))
    assert set(t["targets"].scope) == set(counties.code)          # each county its own targets, no city's
    meta = dict(zip(t["meta"].key, t["meta"].value))
    assert meta["city_name"] == "青州市" and meta["counties"] == "3"
