"""One table of settings: name, default, environment variable, help.

Every setting can be given in the environment as `ARCHIVIST_<NAME>` (`ARCHIVIST_DB`,
`ARCHIVIST_PORT` ...); the CLI's options take their defaults from here, so a command-line
option beats the environment, which beats the default. The README's settings table is checked
against `SETTINGS` by the tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from archivist.errors import ArchivistError
from archivist.sources.decoding import MAX_BYTES

__all__ = ["SETTINGS", "Setting", "Settings", "setting"]


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | int
    help: str

    @property
    def env(self) -> str:
        return f"ARCHIVIST_{self.name.upper()}"

    @property
    def type(self) -> type:
        return type(self.default)

    def parse(self, raw: str) -> str | int:
        """`raw` (from the environment) as this setting's type, or an error naming the variable."""
        if self.type is int:
            try:
                return int(raw.strip().replace("_", ""))
            except ValueError:
                raise ArchivistError(
                    f"{self.env}={raw!r} is not a whole number; unset it or give one, "
                    f"e.g. {self.env}={self.default}"
                ) from None
        return raw


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db",
        "archive.db",
        "The archive's database: a SQLite file path, or a PostgreSQL URL "
        "(postgresql://user@host/dbname, postgresql:///dbname?host=/socket/folder).",
    ),
    Setting(
        "host",
        "127.0.0.1",
        "Address `archivist serve` listens on. Loopback by default, so an archive is never "
        "exposed to the network by accident.",
    ),
    Setting("port", 8000, "Port `archivist serve` listens on."),
    Setting(
        "max_file_bytes",
        MAX_BYTES,
        "Largest file read as one record, in bytes; a bigger file fails with a clear reason "
        "instead of being read.",
    ),
    Setting(
        "authority",
        "",
        "More person authority files (JSONL, one person a line: id, preferred, variants, "
        "birth_year, death_year), separated by the path separator, loaded on top of the "
        "packaged one.",
    ),
    Setting(
        "glossary",
        "",
        "More abbreviation lists (FRUS-style JSON `{id: {term, expansion}}` or JSONL), "
        "separated by the path separator; they win over the packaged list.",
    ),
    Setting(
        "spacy",
        "on",
        "`on` to find person names with spaCy's English model as well as the rules when the "
        "model is installed; `off` for the rules alone.",
    ),
    Setting(
        "oai_page_size",
        100,
        "Records or identifiers in one page of an OAI-PMH list; a harvester asks for the rest "
        "with the resumption token the page ends with.",
    ),
    Setting(
        "oai_admin_email",
        "archivist@localhost",
        "Address the OAI-PMH Identify answer gives harvesters as the repository's administrator.",
    ),
    Setting(
        "pool_size",
        10,
        "Connections one process keeps open to a PostgreSQL store at most; the web server's "
        "threads share them.",
    ),
    Setting(
        "api_token",
        "",
        "Token that writes through the JSON API (POST /api/documents) must give as "
        "`Authorization: Bearer <token>`. Empty, the default, disables writes.",
    ),
    Setting(
        "index_dir",
        "",
        "Folder of the search index. Empty, the default: beside a SQLite database "
        "(archive.db.index). A PostgreSQL store is searched in its database and keeps only the "
        "authority's spellings here (default ~/.cache/archivist).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The setting called `name`; KeyError naming the known ones if there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no setting {name!r}; settings: {', '.join(_BY_NAME)}") from None


class Settings:
    """Current values: the environment's `ARCHIVIST_<NAME>` over the default.

    `Settings().port` reads the process environment when asked, so a value set after start-up
    (as tests do) is seen; pass `environ` to read another mapping instead.
    """

    def __init__(self, environ: Mapping[str, str] | None = None):
        self._environ = environ

    def get(self, name: str) -> str | int:
        spec = setting(name)
        environ = os.environ if self._environ is None else self._environ
        raw = environ.get(spec.env)
        # An empty variable (`ARCHIVIST_DB=`) is a shell slip, not a wish for an empty path.
        if raw is None or raw == "":
            return spec.default
        return spec.parse(raw)

    def __getattr__(self, name: str) -> str | int:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.get(name)
        except KeyError as exc:
            raise AttributeError(str(exc)) from None

    def as_dict(self) -> dict[str, str | int]:
        return {s.name: self.get(s.name) for s in SETTINGS}
