"""A county's policy file (MONITOR_POLICY_FILE) that cannot be used is a Chinese message on every page, never
a traceback: not when a page runs, and not when the server imports the query modules with it in force."""

import pytest

from queries import policy
from tests.conftest import TEST_PASSWORD
from tests.pages_support import run_page

BAD_CONDITION = '[grading.red]\nwhen = ["income < 0.5"]\n'
BAD_TOML = 'version = "x"\n[grading\n'


@pytest.fixture
def policy_file(tmp_path, monkeypatch):
    def write(text: str) -> str:
        path = tmp_path / "县规则.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv(policy.ENV, str(path))
        policy.reload()
        return str(path)
    yield write
    monkeypatch.delenv(policy.ENV, raising=False)
    policy.reload()


@pytest.mark.parametrize("text, words", [(BAD_CONDITION, "条件“income < 0.5”无法识别"), (BAD_TOML, "格式有误")])
def test_a_page_says_what_is_wrong_with_the_policy_file(app_db, policy_file, text, words):
    policy_file(text)
    at = run_page("overview")
    assert not at.exception
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert len(at.metric) == 0  # no number drawn under rules that cannot be read


def test_a_good_policy_file_shows_the_page(app_db, policy_file):
    policy_file('version = "某县-2027"\n')
    at = run_page("overview")
    assert not at.exception and not at.error
    assert len(at.metric) > 0


@pytest.mark.browser
def test_the_server_starts_with_a_broken_policy_file(demo_db_url, demo_audit_url, users_file, browser, tmp_path):
    """The query modules read the policy when they are imported (口径 texts): a server started with a broken
    file still serves the login form, and after login the page shows the message instead of numbers."""
    from tests.browser import login, streamlit_server

    bad = tmp_path / "坏规则.toml"
    bad.write_text(BAD_TOML, encoding="utf-8")
    env = {"MONITOR_USERS_FILE": str(users_file), "MONITOR_AUDIT_URL": demo_audit_url,
           "MONITOR_COOKIE_SECRET": "test-secret-not-for-production", policy.ENV: str(bad)}
    with streamlit_server(demo_db_url, env=env) as base:
        page = browser.new_page()
        try:
            login(page, base, "county", TEST_PASSWORD, path="/overview")
            page.wait_for_selector('[data-testid="stAlertContentError"]:has-text("格式有误")', timeout=30_000)
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator('[data-testid="stMetric"]').count() == 0
        finally:
            page.close()
