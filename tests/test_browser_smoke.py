"""The browser tooling works: a tiny Streamlit script is served and shows Chinese text in headless Chromium."""

import shutil
import subprocess

import pytest

from tests.browser import streamlit_server, wait_for_app

SCRIPT = '''
import os
import streamlit as st

st.title("返贫监测测试")
st.write("数据库：" + os.environ["MONITOR_DB_URL"])
'''


def test_cjk_font_installed():
    fc_match = shutil.which("fc-match")
    assert fc_match, "fontconfig 未安装"
    font = subprocess.run([fc_match, ":lang=zh-cn", "family"], capture_output=True, text=True, check=True).stdout
    assert "CJK" in font, f"没有中文字体（fonts-noto-cjk）: fc-match 返回 {font!r}"


@pytest.mark.browser
def test_streamlit_serves_chinese_text(tmp_path, browser):
    from playwright.sync_api import expect

    script = tmp_path / "app.py"
    script.write_text(SCRIPT, encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'none.db'}"
    with streamlit_server(db_url, script=script) as base_url:
        page = browser.new_page()
        page.goto(base_url)
        wait_for_app(page)
        expect(page.get_by_role("heading", name="返贫监测测试")).to_be_visible()
        expect(page.get_by_text(f"数据库：{db_url}")).to_be_visible()
        page.close()
