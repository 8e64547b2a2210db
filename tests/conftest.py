"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: The read-only corpus, schemas and authority files, beside the repository's root.
SHARED = Path(__file__).resolve().parents[2] / "shared"


def require_shared(path: Path = SHARED) -> Path:
    """`path` if it is there. Missing, it fails the test under CI (a silent skip would hide
    lost coverage) and skips it on a developer's machine."""
    if not path.is_dir():
        message = f"{path} is missing: the corpus and authority files live there"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def bench_module(name: str):
    """A script of bench/ loaded as a module (bench/ is scripts, not a package): the tests
    hold the floors its scorers print."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def shared() -> Path:
    """The `shared` folder beside the repository's root."""
    return require_shared()


@pytest.fixture(scope="session")
def postgres_cluster():
    """A throwaway PostgreSQL cluster for the session (see tests/postgres_cluster.py). When it
    cannot start, the tests that need it fail under CI and are skipped elsewhere."""
    from postgres_cluster import Cluster

    cluster = None
    try:
        cluster = Cluster()
        cluster.start()
    except Exception as exc:  # noqa: BLE001 - any reason to not start is reported the same way
        if cluster is not None:
            cluster.stop()
        message = f"cannot start a throwaway PostgreSQL cluster: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster) -> str:
    """The URL of a database of the session's cluster, with pg_trgm and unaccent."""
    return postgres_cluster.database()


@pytest.fixture
def postgres_database(postgres_cluster):
    """The URL of a new, empty database for one test; dropped after it."""
    url = postgres_cluster.database()
    yield url
    postgres_cluster.drop(url)
