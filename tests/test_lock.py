"""The pinned install (issue 19): requirements.txt (runtime) and requirements-test.txt (test tools) pin every
package to one exact version with hashes, compiled from the short requirements*.in, and the environment the
tests run in holds exactly those versions. (A fresh install from the locks was measured by hand in a scratch
virtualenv: `pip install --require-hashes -r requirements.txt -r requirements-test.txt`, then `pip freeze`
equal to the locks.)"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.txt", "requirements-test.txt")
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(lock: str) -> dict[str, str]:
    """name -> version of a lock, after checking every requirement is `name==version` with hashes."""
    text = (ROOT / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#")))
    pins = {}
    for entry in filter(str.strip, entries):
        m = PIN.match(entry)
        assert m, f"{lock}: not an exact pin: {entry.splitlines()[0]!r}"
        assert "--hash=sha256:" in entry, f"{lock}: no hash for {m[1]}"
        pins[canonical(m[1])] = m[2]
    return pins


def declared(source: str) -> set[str]:
    names = set()
    for line in (ROOT / source).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(canonical(re.split(r"[\[<>=!~ ]", line)[0]))
    return names


@pytest.mark.parametrize("source, lock", [("requirements.in", "requirements.txt"),
                                          ("requirements-test.in", "requirements-test.txt")])
def test_every_declared_package_is_locked_exactly(source, lock):
    pins = locked(lock)
    assert declared(source) <= set(pins), declared(source) - set(pins)


def test_runtime_lock_holds_no_test_tool_and_both_agree():
    runtime, test = locked("requirements.txt"), locked("requirements-test.txt")
    assert not declared("requirements-test.in") & set(runtime)  # production installs no test tools
    assert {k: v for k, v in test.items() if k in runtime} == {k: runtime[k] for k in test if k in runtime}


def test_the_environment_holds_the_locked_versions():
    for lock in LOCKS:
        for name, version in locked(lock).items():
            assert metadata.version(name) == version, (lock, name)
