"""审计日志 (管理员): logins and failed logins, household views, reveals and exports — who, when,
what, with which filters — and the users allowed in."""

import json

import pandas as pd
import streamlit as st

from dashboard.common import tables
from dashboard.common.page import Context, empty_state, run_page
from dashboard.common.text import escape_md
from dashboard.security import store, users

ACTIONS = {"": "全部", "login": "登录", "login_failed": "登录失败", "login_blocked": "登录被限制", "logout": "退出",
           "view_household": "查看户情", "reveal": "显示完整个人信息", "export": "导出", "sample": "抽样",
           "import": "数据导入"}


def _filters_text(raw) -> str:
    """The filters JSON as k=v; a row without filters is NULL in the store (NaN in the frame)."""
    if not isinstance(raw, str) or not raw:
        return ""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw[:200]
    if not isinstance(parsed, dict):
        return raw[:200]
    return "；".join(f"{k}={v}" for k, v in parsed.items() if v not in (None, ""))


def body(ctx: Context) -> None:
    left, right = st.columns([1, 1])
    action = left.selectbox("动作", list(ACTIONS), format_func=ACTIONS.get, key="audit_action")
    who = right.text_input("用户名", key="audit_user", max_chars=60).strip()
    events = store.recent_events(limit=1000, action=action or None, username=who or None)
    st.subheader(f"最近的审计记录（{len(events)} 条，最多显示1000条）")
    if events.empty:
        empty_state("审计记录")
    else:
        view = pd.DataFrame({
            "时间（UTC）": pd.to_datetime(events["at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
            "用户": events.username.fillna("—"), "角色": events.role.fillna("—"),
            "动作": [ACTIONS.get(a, a) for a in events.action], "对象": events.target.fillna(""),
            "筛选条件": [_filters_text(f) for f in events.filters], "说明": events.detail.fillna(""),
            "来源地址": events.ip.fillna(""),
        })
        tables.dataframe(view, hide_index=True, width="stretch")
    st.subheader("用户")
    st.caption(f"用户文件：{escape_md(users.users_file())}。添加用户：`python -m dashboard.security.users add 用户名 --role county|township|inspector|admin [--township 乡镇代码]`")
    tables.dataframe(pd.DataFrame([{"用户名": u.username, "显示名称": u.display_name, "角色": u.role.label,
                                    "范围": u.township or "全县", "演示账号": "是" if u.demo else ""}
                                   for u in users.list_users()]), hide_index=True, width="stretch")


run_page("审计日志", body, admin_only=True)
