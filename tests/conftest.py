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


@pytest.fixture(scope="session")
def shared() -> Path:
    """The `shared` folder beside the repository's root."""
    return require_shared()
