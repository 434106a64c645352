"""pytest fixtures for the Python package's tests: where the repository, the shared seeds and
the ``corroborate`` binary are, and a helper that runs the binary.

The tests compare the package with the CLI built from the same checkout: ``$CORROBORATE_BIN``,
else ``corroborate`` under ``$CARGO_TARGET_DIR`` or ``target/`` (release, then debug). A
missing binary or missing seeds fail the tests (never a silent skip). Nothing here writes
outside pytest's temporary directories.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

import pytest

REPO = Path(__file__).resolve().parents[3]


def _binary() -> Optional[Path]:
    given = os.environ.get("CORROBORATE_BIN")
    if given:
        return Path(given)
    targets = [Path(os.environ["CARGO_TARGET_DIR"])] if os.environ.get("CARGO_TARGET_DIR") else []
    targets.append(REPO / "target")
    for target in targets:
        for profile in ("release", "debug"):
            candidate = target / profile / "corroborate"
            if candidate.is_file():
                return candidate
    return None


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def seeds() -> List[str]:
    shared = Path(os.environ.get("CORROBORATE_SHARED", REPO.parent / "shared"))
    files = sorted(str(p) for p in (shared / "seeds").glob("*.txt"))
    if len(files) != 5:
        pytest.fail(f"expected the five seed articles in {shared / 'seeds'}, found {len(files)}")
    return files


@pytest.fixture(scope="session")
def cli():
    """Run the corroborate binary: cli(args..., env={...}) -> stdout (exit 0 or 1 expected)."""
    binary = _binary()
    if binary is None or not binary.is_file():
        pytest.fail(
            "no corroborate binary: build it (cargo build --release -p corroborate) "
            "or set CORROBORATE_BIN"
        )

    def run(*args: str, env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None) -> str:
        full_env = dict(os.environ)
        full_env.update(env or {})
        done = subprocess.run(
            [str(binary), *args],
            capture_output=True,
            env=full_env,
            cwd=cwd,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
        return done.stdout.decode("utf-8")

    return run


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the store tests, as a URL: ``$CORROBORATE_TEST_PG`` (a URL whose
    user may create databases), else a throwaway cluster from Debian's ``/usr/lib/postgresql/*/bin``
    (run as the ``postgres`` user when root) on a unix socket in a temporary directory,
    stopped when the tests end. Missing binaries fail the tests, saying how to install them."""
    import glob
    import shutil

    given = os.environ.get("CORROBORATE_TEST_PG")
    if given:
        yield given.rstrip("/")
        return
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    initdb = (Path(bins[-1]) / "initdb") if bins else shutil.which("initdb")
    if not initdb or not Path(initdb).is_file():
        pytest.fail("no PostgreSQL server binaries: apt-get install postgresql (as .ci/run does) "
                    "or set CORROBORATE_TEST_PG")
    bin_dir = Path(initdb).parent
    root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="corroborate-pytest-pg-", dir="/tmp"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_owner = ["runuser", "-u", "postgres", "--"] if root else []
    if root:
        subprocess.run(["chown", "-R", "postgres:postgres", str(base)], check=True)
    user = "postgres" if root else os.environ.get("USER", "postgres")
    subprocess.run([*as_owner, str(bin_dir / "initdb"), "-D", str(data), "-U", user, "-E", "UTF8",
                    "--auth=trust", "-N"], check=True, capture_output=True)
    opts = f"-c listen_addresses='' -k {sock} -c fsync=off -c shared_buffers=16MB"
    subprocess.run([*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-w",
                    "-l", str(base / "log"), "start"], check=True, capture_output=True)
    try:
        yield f"postgresql:///postgres?host={sock}&user={user}"
    finally:
        subprocess.run([*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], check=False, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_db(postgres_server):
    """A fresh, empty database on the test server, as a URL."""
    import glob
    import shutil
    import uuid

    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    createdb = str(Path(bins[-1]) / "createdb") if bins else shutil.which("createdb")
    name = "t_py_" + uuid.uuid4().hex[:12]
    subprocess.run([createdb, "-E", "UTF8", f"--maintenance-db={postgres_server}", name],
                   check=True, capture_output=True)
    base, _, query = postgres_server.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
