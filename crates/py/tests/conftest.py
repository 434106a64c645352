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
