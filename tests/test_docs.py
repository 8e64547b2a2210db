"""The README documents every CLI command, setting, pipeline stage and record field."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist import pipeline
from archivist.cli import cli
from archivist.document import Document, Source
from archivist.settings import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command: str) -> None:
    assert f"archivist {command}" in README, f"README.md does not mention `archivist {command}`"


@pytest.mark.parametrize("name", [s.name for s in SETTINGS])
def test_every_setting_is_documented(name: str) -> None:
    spec = next(s for s in SETTINGS if s.name == name)
    assert f"`{spec.name}`" in README, f"README.md does not mention the setting `{spec.name}`"
    assert spec.env in README, f"README.md does not mention {spec.env}"


@pytest.mark.parametrize("name", [s.name for s in pipeline.stages()])
def test_every_stage_is_documented(name: str) -> None:
    assert f"`{name}`" in README, f"README.md does not mention the pipeline stage `{name}`"


def test_every_record_field_is_documented() -> None:
    record = Document(id="x", text="", source=Source.of("x.txt", b"", "wilson-text")).to_dict()
    missing = [key for key in record if f"`{key}`" not in README]
    assert not missing, f"README.md does not describe the record JSON keys {missing}"
