"""A throwaway PostgreSQL server for tests: initdb into a temp dir, listen on 127.0.0.1:<free port>.

    server = PostgresServer(); server.start()
    server.create_database("t1"); engine = sa.create_engine(server.url("t1"))
    reader = server.reader_url("t1")   # SELECT only: the URL to give the dashboard (MONITOR_DB_URL)
    ...
    server.stop()

Needs the Debian ``postgresql`` package (``scripts/setup.sh`` installs it). When run as root, initdb and
pg_ctl run as the ``postgres`` user via ``runuser`` (PostgreSQL refuses to run as root). Every failure
raises RuntimeError carrying the server log: tests must never silently skip PostgreSQL.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def find_pg_bin() -> Path:
    """Directory holding initdb/pg_ctl (newest installed major version)."""
    cands = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin/")
             if (Path(p) / "initdb").exists() and (Path(p) / "pg_ctl").exists()]
    if not cands:
        raise RuntimeError("找不到 PostgreSQL：/usr/lib/postgresql/*/bin/initdb 不存在（请运行 bash scripts/setup.sh）")

    def version(p: Path):
        try:
            return tuple(int(x) for x in p.parent.name.split("."))
        except ValueError:
            return (0,)

    return max(cands, key=version)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.bin = find_pg_bin()
        self.port: int | None = None
        self.tmpdir: Path | None = None
        self.as_postgres = os.geteuid() == 0
        self.started = False
        self.startup_seconds: float | None = None

    # paths -----------------------------------------------------------------
    @property
    def datadir(self) -> Path:
        return self.tmpdir / "data"

    @property
    def sockdir(self) -> Path:
        return self.tmpdir / "sock"

    @property
    def logfile(self) -> Path:
        return self.tmpdir / "server.log"

    # helpers ---------------------------------------------------------------
    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                                  cwd=self.tmpdir, env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
        except (OSError, subprocess.SubprocessError) as e:
            self.started = False  # cannot run pg_ctl: do not try to stop through it again
            self._fail(f"{' '.join(cmd)}: {e!r}")

    def _log(self) -> str:
        try:
            return self.logfile.read_text(errors="replace")
        except OSError:
            return "(没有日志 / no server log)"

    def _fail(self, what: str, proc: subprocess.CompletedProcess | None = None) -> None:
        parts = [f"PostgreSQL 测试服务器失败: {what}"]
        if proc is not None:
            parts += [f"command: {' '.join(map(str, proc.args))}", f"exit code: {proc.returncode}",
                      f"stdout:\n{proc.stdout}", f"stderr:\n{proc.stderr}"]
        parts.append(f"server log:\n{self._log()}")
        msg = "\n".join(parts)
        self._cleanup()
        raise RuntimeError(msg)

    # lifecycle -------------------------------------------------------------
    def start(self) -> "PostgresServer":
        if self.started:
            return self
        t0 = time.monotonic()
        self.tmpdir = Path(tempfile.mkdtemp(prefix="pgtest-"))
        self.sockdir.mkdir()
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            for p in (self.tmpdir, self.sockdir):
                os.chown(p, pw.pw_uid, pw.pw_gid)

        initdb = str(self.bin / "initdb")
        base = [initdb, "-D", str(self.datadir), "-A", "trust", "-U", "postgres", "-E", "UTF8"]
        proc = self._run(*base, "--locale=C.UTF-8")
        if proc.returncode != 0:
            shutil.rmtree(self.datadir, ignore_errors=True)
            first = proc
            proc = self._run(*base, "--no-locale")
            if proc.returncode != 0:
                proc.stderr = f"(--locale=C.UTF-8 also failed: {first.stderr})\n{proc.stderr}"
                self._fail("initdb", proc)

        self.port = free_port()
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.sockdir} {SERVER_OPTIONS}"
        proc = self._run(str(self.bin / "pg_ctl"), "-D", str(self.datadir), "-w", "-t", "60",
                         "-o", opts, "-l", str(self.logfile), "start")
        if proc.returncode != 0:
            self._fail("pg_ctl start", proc)
        self.started = True
        try:
            self._connect("postgres").close()
        except Exception as e:  # noqa: BLE001 - anything here means the server is unusable
            self._fail(f"cannot connect on 127.0.0.1:{self.port}: {e!r}")
        self.startup_seconds = time.monotonic() - t0
        return self

    def stop(self) -> None:
        try:
            if self.started and self.tmpdir is not None:
                proc = self._run(str(self.bin / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
                self.started = False
                if proc.returncode != 0:
                    self._fail("pg_ctl stop", proc)
        finally:
            self._cleanup()

    def pause(self) -> None:
        """Stop the server but keep its data (an outage); resume() brings it back on the same port."""
        proc = self._run(str(self.bin / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop")
        if proc.returncode != 0:
            self._fail("pg_ctl stop (pause)", proc)

    def resume(self) -> None:
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.sockdir} {SERVER_OPTIONS}"
        proc = self._run(str(self.bin / "pg_ctl"), "-D", str(self.datadir), "-w", "-t", "60",
                         "-o", opts, "-l", str(self.logfile), "start")
        if proc.returncode != 0:
            self._fail("pg_ctl start (resume)", proc)

    def _cleanup(self) -> None:
        if self.started and self.tmpdir is not None:
            # Failure after a successful start: make sure no postgres process outlives us.
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
            self.started = False
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # databases -------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        if not self.started:
            raise RuntimeError("PostgreSQL 测试服务器未启动")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def _connect(self, dbname: str):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname,
                               autocommit=True, connect_timeout=10)

    def create_database(self, name: str) -> str:
        """CREATE DATABASE name (UTF8); returns its SQLAlchemy URL."""
        from psycopg import sql

        if not self.started:
            raise RuntimeError("PostgreSQL 测试服务器未启动")
        try:
            with self._connect("postgres") as conn:
                conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0")
                             .format(sql.Identifier(name)))
        except Exception as e:  # noqa: BLE001
            raise RuntimeError(f"CREATE DATABASE {name} 失败: {e!r}\nserver log:\n{self._log()}") from e
        return self.url(name)

    def reader_url(self, dbname: str, role: str = "monitor_reader") -> str:
        """The URL of a SELECT-only login role on database `dbname` (deploy/readonly_role.py, as the README
        tells an administrator to create it): what the dashboard must be given, since it refuses a role that
        can write. Tables created later by postgres are readable by it too."""
        from deploy.readonly_role import create_reader

        return create_reader(self.url(dbname), role)


if __name__ == "__main__":
    t = time.monotonic()
    with PostgresServer() as s:
        print(f"started in {s.startup_seconds:.2f}s at {s.url()}")
        print(s.create_database("smoke"))
    print(f"total {time.monotonic() - t:.2f}s")
