"""dashboard.common.data, the one path from a page to the data, called as a page calls it (a logged-in user
in the session), on the hand-built county in SQLite and PostgreSQL: scope, masking per level before the
cache, reveals, the audit of household views, and registered functions only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import streamlit as st

from dashboard.common import auth, data
from dashboard.security import store, users
from queries import areas, households, leads, privacy
from queries.filters import Filter
from tests.fixture_db import AS_OF, HEADS, T1, T2, household_code

H1, H14 = household_code(1), household_code(14)  # 王建国's household in T1; a household in T2
F = Filter(as_of=AS_OF)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, monkeypatch):
    url = request.getfixturevalue("fixture_sqlite_url" if request.param == "sqlite" else "fixture_pg_url")
    monkeypatch.setenv("MONITOR_DB_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    for k in (auth.USER, data.VIEWED, data.REVEALED):
        st.session_state.pop(k, None)


def as_user(name: str | None) -> None:
    st.session_state.pop(data.VIEWED, None)
    st.session_state.pop(data.REVEALED, None)
    if name is None:
        st.session_state.pop(auth.USER, None)
    else:
        st.session_state[auth.USER] = users.find_user(name)


def q_ids(url) -> list[str]:
    with sa.create_engine(url).connect() as c:
        return list(c.execute(sa.text("SELECT id_number FROM members WHERE id_number IS NOT NULL")).scalars())


def record(hid: int = 1):
    return data.query(households.household_record, F, hid)


def test_a_township_user_gets_their_township_whatever_the_filter_asks(db):
    as_user("township")
    asked = Filter(as_of=AS_OF, township=T2)
    assert set(data.query(leads.leads_by_area, asked, "township").code) == {T1}
    assert data.query(households.household_id_by_code, asked, H14) is None
    as_user("county")
    assert set(data.query(leads.leads_by_area, asked, "township").code) == {T2}


def test_masking_follows_the_role_even_when_another_role_filled_the_cache(db):
    as_user("county")
    rec = record()
    assert HEADS[1] in set(rec["members"].name) and "health" in rec["members"]
    assert not set(rec["members"].id_number.dropna()) & set(q_ids(db))  # masked for county users too
    as_user("inspector")  # the same call, now cached for the county level
    rec = record()
    assert HEADS[1] not in set(rec["members"].name) and "王**" in set(rec["members"].name)
    assert "health" not in rec["members"] and "disability_level" not in rec["members"]
    assert set(rec["visits"].note) == {privacy.WITHHELD_NOTE}
    assert "因病" not in set(rec["factors"].factor_type) and privacy.MASKED_FACTOR in set(rec["factors"].factor_type)
    assert all(n.endswith("*") for n in data.query(leads.open_lead_list, F).head_name.dropna())


def test_a_reveal_is_the_only_route_to_full_values_and_is_logged_once(db):
    as_user("inspector")
    with pytest.raises(data.NotPermitted):
        data.reveal(households.household_record, F, 1, target=H1)
    as_user("county")
    full = data.reveal(households.household_record, F, 1, target=H1)
    assert set(full["members"].id_number.dropna()) <= set(q_ids(db)) and len(full["members"].id_number.dropna())
    data.reveal(households.household_record, F, 1, target=H1)  # a rerun: not logged again
    assert store.recent_events(action="reveal").target.tolist() == [H1]
    data.conceal(H1)
    data.reveal(households.household_record, F, 1, target=H1)
    assert store.recent_events(action="reveal").target.tolist() == [H1, H1]


def test_a_household_view_is_audited_once_and_refused_without_the_audit_log(db, monkeypatch):
    as_user("county")
    record()
    record()
    views = store.recent_events(action="view_household")
    assert views.target.tolist() == [H1] and views.username.tolist() == ["county"]
    data.query(households.household_record, F, 999)  # nothing found: nothing viewed
    assert len(store.recent_events(action="view_household")) == 1

    def broken(*a, **k):
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk full"))
    monkeypatch.setattr(store, "log", broken)
    with pytest.raises(data.NotPermitted, match="审计日志"):
        data.query(households.household_record, F, 2)
    with pytest.raises(data.NotPermitted, match="审计日志"):
        data.reveal(households.household_record, F, 2, target=household_code(2))


def test_only_registered_functions_with_the_filter_first_and_a_user(db):
    as_user("county")
    with pytest.raises(TypeError, match="not a registered query function"):
        data.query(lambda conn, f: None, F)
    with pytest.raises(TypeError, match="Filter"):
        data.query(leads.leads_by_area, "township")
    as_user(None)
    with pytest.raises(data.NotPermitted):
        data.query(leads.leads_by_area, F, "township")
    assert data.query(areas.data_as_of) == AS_OF  # facts about the database need no user
