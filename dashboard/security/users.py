"""The users file: JSON with argon2 password hashes. Path from MONITOR_USERS_FILE; without it the
demo accounts in config/demo_users.json are used, and those only work on the demo database.

    python -m dashboard.security.users add NAME --role city|county|township|inspector|admin [--township CODE]
        [--county CODE]
    python -m dashboard.security.users list
"""

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.security.roles import ROLES, User
from queries.db import private_file

ROOT = Path(__file__).resolve().parents[2]
DEMO_USERS = ROOT / "config" / "demo_users.json"
_hasher = PasswordHasher()
# Verifying against this keeps the time of "no such user" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("not-a-password")


def users_file() -> Path:
    return Path(os.environ.get("MONITOR_USERS_FILE") or DEMO_USERS)


def _load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8")).get("users", [])


def _code(value, digits: int) -> bool:
    return isinstance(value, str) and len(value) == digits and value.isdigit()


def _to_user(entry: dict) -> User | None:
    role = ROLES.get(entry.get("role"))
    township, county = entry.get("township"), entry.get("county")
    if role is None or (not role.all_townships and not _code(township, 9)) or \
            (county is not None and not _code(county, 6)):
        return None  # a malformed entry never grants anything
    return User(username=entry["username"], role=role, township=township,
                display_name=entry.get("display_name", ""), demo=bool(entry.get("demo")), county=county)


def authenticate(username: str, password: str, path: Path | None = None) -> User | None:
    """The user if the password matches, else None (same work either way)."""
    entries = {e.get("username"): e for e in _load(path or users_file())}
    entry = entries.get(username)
    try:
        _hasher.verify(entry["password_hash"] if entry else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError, KeyError):
        return None
    return _to_user(entry) if entry else None


def find_user(username: str, path: Path | None = None) -> User | None:
    for e in _load(path or users_file()):
        if e.get("username") == username:
            return _to_user(e)
    return None


def list_users(path: Path | None = None) -> list[User]:
    return [u for u in map(_to_user, _load(path or users_file())) if u]


def add_user(path: Path, username: str, password: str, role: str, township: str | None = None,
             display_name: str = "", county: str | None = None) -> None:
    if role not in ROLES:
        raise ValueError(f"未知角色 {role}，可选：{', '.join(ROLES)}")
    if not ROLES[role].all_townships and not _code(township, 9):
        raise ValueError("乡镇用户必须指定 --township（9位乡镇区划代码）")
    if county is not None and not _code(county, 6):
        raise ValueError("--county 应为6位县级区划代码")
    if len(password) < 8:
        raise ValueError("密码至少8位")
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"users": []}
    data["users"] = [u for u in data["users"] if u.get("username") != username]
    entry = {"username": username, "role": role, "township": township, "display_name": display_name}
    data["users"].append(entry | ({"county": county} if county else {}) | {"password_hash": _hasher.hash(password)})
    private_file(path)
    os.chmod(path, 0o600)  # before writing: a file from an older version may still be world-readable
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m dashboard.security.users", description="管理看板用户（密码以 argon2 哈希保存）")
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("add", help="添加或更新用户")
    a.add_argument("username")
    a.add_argument("--role", required=True, choices=list(ROLES))
    a.add_argument("--township", help="乡镇用户的9位乡镇区划代码")
    a.add_argument("--county", help="县级用户（及县巡查组、管理员）的6位县级区划代码；市级数据库中县级用户必须指定")
    a.add_argument("--name", default="", help="显示名称")
    a.add_argument("--file", type=Path, help="用户文件（默认 MONITOR_USERS_FILE）")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（脚本用）")
    ls = sub.add_parser("list", help="列出用户")
    ls.add_argument("--file", type=Path)
    args = p.parse_args(argv)
    path = args.file or users_file()
    if args.cmd == "list":
        for u in list_users(path):
            demo = "\t演示账号" if u.demo else ""
            print(f"{u.username}\t{u.role.label}\t{u.township or u.county or '全部'}{demo}")
        return 0
    if path == DEMO_USERS:
        print("请用 --file 或 MONITOR_USERS_FILE 指定正式用户文件（演示账号文件不应加入正式用户）", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("密码：")
    try:
        add_user(path, args.username, password, args.role, args.township, args.name, args.county)
    except ValueError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    print(f"已保存用户 {args.username}（{ROLES[args.role].label}）到 {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
