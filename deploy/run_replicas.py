"""Run the scale-out deployment on one machine: N Streamlit replicas of dashboard/server.py on loopback
ports and nginx in front of them (sticky sessions, websocket), all sharing one cookie secret and one
PostgreSQL session/audit store. Used by tests/test_scale_out.py; also handy to try the setup.

    MONITOR_DB_URL=postgresql+psycopg://monitor_reader@db/monitor \\
    MONITOR_AUDIT_URL=postgresql+psycopg://monitor_app@db/monitor_audit \\
    MONITOR_COOKIE_SECRET=$(cat /etc/monitor/cookie_secret) MONITOR_USERS_FILE=/etc/monitor/users.json \\
    .venv/bin/python -m deploy.run_replicas --port 8080 --replicas 2

    .venv/bin/python -m deploy.run_replicas --print-nginx-config --replica-ports 8501,8502 --port 80

nginx runs in the foreground (`-g 'daemon off;'`) with its pid, logs and temp files in a run
directory (printed), never the system's /etc/nginx, /run or /var/log. In production use systemd
units and /etc/nginx/conf.d instead (docs/DEPLOYMENT.md); the configuration is the same.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy.nginx import render_site, render_standalone, route_names  # noqa: E402

SERVER = ROOT / "dashboard" / "server.py"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def find_nginx() -> str:
    for cand in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if cand and os.access(cand, os.X_OK):
            return cand
    raise RuntimeError("找不到 nginx（请运行 bash scripts/setup.sh，它会安装 Debian 软件包 nginx）")


def streamlit_cookie_secret(monitor_secret: str) -> str:
    """Streamlit's own server.cookieSecret (signs its XSRF cookie), derived from the login-cookie
    secret so that every replica has the same one without a second secret to distribute."""
    return hmac.new(monitor_secret.encode(), b"streamlit server.cookieSecret", hashlib.sha256).hexdigest()


def init_store(audit_url: str) -> None:
    """Create the session/audit tables once, before replicas start (not concurrently from each)."""
    import sqlalchemy as sa

    from dashboard.security import store

    engine = sa.create_engine(audit_url)
    try:
        store.metadata.create_all(engine)
    finally:
        engine.dispose()


def parse_access_line(line: str) -> dict:
    """One line of nginx's JSON access log (log_format monitor_json), from the file or a syslog datagram."""
    return json.loads(line)


@dataclass
class Deployment:
    url: str                                  # nginx: what users open
    replica_urls: list[str]                   # each replica directly (loopback)
    routes: list[str]                         # route-cookie value of each replica: r1, r2, ...
    run_dir: Path
    audit_url: str = ""                       # the shared session/audit store
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def access_log(self) -> Path:
        return self.run_dir / "access.log"

    def replica_addr(self, route: str) -> str:
        return self.replica_urls[self.routes.index(route)].removeprefix("http://")

    def access_entries(self) -> list[dict]:
        """nginx's JSON access log: time, request, status, upstream, replica, route_cookie, agent, ..."""
        if not self.access_log.exists():
            return []
        return [parse_access_line(line) for line in self.access_log.read_text(encoding="utf-8").splitlines()
                if line.strip()]

    def logs(self) -> str:
        parts = []
        for name in ["error.log", *[f"replica-{r}.log" for r in self.routes]]:
            p = self.run_dir / name
            text = p.read_text(errors="replace") if p.exists() else "(missing)"
            parts.append(f"--- {name} ---\n{text[-6000:]}")
        return "\n".join(parts)


def _wait_healthy(url: str, proc: subprocess.Popen, what: str, deadline: float, logs) -> None:
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} 已退出（exit {proc.returncode}）\n{logs()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200 and resp.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} 未在规定时间内就绪: {url}\n{logs()}")
        time.sleep(0.2)


def _stop_all(procs: list[subprocess.Popen]) -> None:
    """SIGTERM to all at once (nginx first), then wait; SIGKILL whatever is still running after 10 s."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + 10
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def run_deployment(db_url: str, audit_url: str, cookie_secret: str, *, users_file: str | os.PathLike | None = None,
                   replicas: int = 2, replica_ports: list[int] | None = None, port: int | None = None,
                   host: str = "127.0.0.1", env: dict[str, str] | None = None, timeout: float = 60.0,
                   run_dir: Path | None = None, python: str | None = None,
                   access_log_socket: str | None = None) -> Iterator[Deployment]:
    """Start `replicas` Streamlit replicas and nginx on `host`; yields the Deployment, stops everything after.

    Every replica gets the same MONITOR_DB_URL (opened read-only by the app; on PostgreSQL it must be a
    SELECT-only role, deploy/readonly_role.py, or the replicas refuse to show data), MONITOR_AUDIT_URL (the
    shared writable store: a session or login ticket made on one replica is valid on all) and
    MONITOR_COOKIE_SECRET (a login cookie signed by one replica verifies on all). Raises RuntimeError
    with the logs when something does not come up within `timeout` seconds. `access_log_socket`: a bound
    unix datagram socket that nginx also sends its access-log lines to (syslog), see render_site.
    """
    if not cookie_secret:
        raise ValueError("cookie_secret is required: every replica must sign cookies with the same secret")
    replica_ports = list(replica_ports) if replica_ports else [free_port(host) for _ in range(replicas)]
    routes = route_names(len(replica_ports))
    port = port or free_port(host)
    own_dir = run_dir is None
    run_dir = Path(run_dir or tempfile.mkdtemp(prefix="monitor-deploy-"))
    (run_dir / "tmp").mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chmod(run_dir, 0o711)  # nginx's workers (www-data) use the temp dirs inside
    python = python or (str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists()
                        else sys.executable)

    replica_env = {
        **os.environ,
        **(env or {}),
        "MONITOR_DB_URL": db_url,
        "MONITOR_AUDIT_URL": audit_url,
        "MONITOR_COOKIE_SECRET": cookie_secret,
        "STREAMLIT_SERVER_COOKIE_SECRET": (env or {}).get("STREAMLIT_SERVER_COOKIE_SECRET")
        or streamlit_cookie_secret(cookie_secret),
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        "PYTHONPATH": os.pathsep.join([str(ROOT)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])),
    }
    if users_file is not None:
        replica_env["MONITOR_USERS_FILE"] = str(users_file)

    dep = Deployment(url=f"http://{host}:{port}", replica_urls=[f"http://{host}:{p}" for p in replica_ports],
                     routes=routes, run_dir=run_dir, audit_url=audit_url)
    log_files = []
    try:
        init_store(audit_url)
        deadline = time.monotonic() + timeout
        for route, p in zip(routes, replica_ports):
            log = open(run_dir / f"replica-{route}.log", "wb")  # a file, not a pipe: never blocks the server
            log_files.append(log)
            cmd = [python, "-m", "streamlit", "run", str(SERVER), "--server.headless", "true",
                   "--server.address", host, "--server.port", str(p), "--browser.gatherUsageStats", "false"]
            dep.processes.append(subprocess.Popen(cmd, cwd=ROOT, env=replica_env, stdout=log,
                                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
        for route, url, proc in zip(routes, dep.replica_urls, dep.processes):
            _wait_healthy(url, proc, f"Streamlit 副本 {route}", deadline, dep.logs)

        site = render_site([u.removeprefix("http://") for u in dep.replica_urls], listen=f"{host}:{port}",
                           access_log=str(dep.access_log), access_log_socket=access_log_socket)
        conf = run_dir / "nginx.conf"
        conf.write_text(render_standalone(site, run_dir), encoding="utf-8")
        nginx_log = open(run_dir / "nginx.out", "wb")
        log_files.append(nginx_log)
        nginx = subprocess.Popen([find_nginx(), "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "error.log"),
                                  "-g", "daemon off;"], stdout=nginx_log, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
        dep.processes.append(nginx)
        _wait_healthy(dep.url, nginx, "nginx", deadline, dep.logs)
        yield dep
    finally:
        _stop_all(list(reversed(dep.processes)))  # nginx first, then the replicas
        for f in log_files:
            f.close()
        if own_dir:
            shutil.rmtree(run_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db-url", default=os.environ.get("MONITOR_DB_URL"), help="monitoring database (default $MONITOR_DB_URL)")
    ap.add_argument("--audit-url", default=os.environ.get("MONITOR_AUDIT_URL"),
                    help="shared session/audit store, PostgreSQL (default $MONITOR_AUDIT_URL)")
    ap.add_argument("--users-file", default=os.environ.get("MONITOR_USERS_FILE"))
    ap.add_argument("--host", default="127.0.0.1", help="address nginx and the replicas listen on")
    ap.add_argument("--port", type=int, default=8080, help="nginx port (default 8080)")
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--replica-ports", help="comma-separated, e.g. 8501,8502 (default: free ports)")
    ap.add_argument("--print-nginx-config", action="store_true",
                    help="print the http-level nginx configuration (for /etc/nginx/conf.d/) and exit")
    ap.add_argument("--replica-addrs", help="with --print-nginx-config: host:port of replicas on other machines, "
                                            "comma-separated (default 127.0.0.1 and --replica-ports)")
    ap.add_argument("--server-name", default="_", help="with --print-nginx-config: nginx server_name")
    ap.add_argument("--init-store", action="store_true",
                    help="create the session/audit tables in --audit-url and exit (once, before the replicas start)")
    args = ap.parse_args(argv)
    ports = [int(p) for p in args.replica_ports.split(",")] if args.replica_ports else None

    if args.print_nginx_config:
        addrs = (args.replica_addrs.split(",") if args.replica_addrs
                 else [f"127.0.0.1:{p}" for p in (ports or [8501 + i for i in range(args.replicas)])])
        print(render_site(addrs, listen=str(args.port), server_name=args.server_name), end="")
        return 0
    if not args.audit_url or not args.audit_url.startswith("postgresql"):
        ap.error("--audit-url or MONITOR_AUDIT_URL must be a PostgreSQL URL: all replicas share that store")
    if args.init_store:
        init_store(args.audit_url)
        print("[deploy] session/audit tables ready", file=sys.stderr)
        return 0
    if not args.db_url:
        ap.error("--db-url or MONITOR_DB_URL is required")
    secret = os.environ.get("MONITOR_COOKIE_SECRET")
    if not secret:
        secret = secrets.token_hex(32)
        print("[deploy] MONITOR_COOKIE_SECRET not set: using a random one, logins end when this stops", file=sys.stderr)
    with run_deployment(args.db_url, args.audit_url, secret, users_file=args.users_file, replicas=args.replicas,
                        replica_ports=ports, port=args.port, host=args.host, run_dir=None) as dep:
        print(f"[deploy] {dep.url}  (replicas {', '.join(f'{r}={u}' for r, u in zip(dep.routes, dep.replica_urls))};"
              f" logs in {dep.run_dir})", flush=True)
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        try:
            while not stop and all(p.poll() is None for p in dep.processes):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        dead = [(r, p.returncode) for r, p in zip([*dep.routes, "nginx"], dep.processes) if p.poll() is not None]
        if dead:
            print(f"[deploy] stopped: {dead}\n{dep.logs()}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
