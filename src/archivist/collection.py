"""A collection of export files being ingested: read, enriched and stored one by one.

Each file stands alone. One that cannot be read, or that a stage fails on, is reported with
its path and a one-line reason and the run goes on; nothing a bad file does can undo a record
stored before it, because every `Store.add` is its own transaction. An interrupted ingest is
finished by running it again: stored records come back "unchanged".

    python -m archivist.collection archive.db exports/
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from archivist import pipeline
from archivist.errors import SourceError, StageError, TooLargeError
from archivist.export import jsonl
from archivist.sources import read_records
from archivist.sources.decoding import MAX_BYTES
from archivist.document import Document
from archivist.store.base import Store

__all__ = ["FileResult", "IngestReport", "files", "ingest", "ingest_bytes", "main"]

Paths = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


@dataclass(frozen=True)
class FileResult:
    """What happened to one file.

    `action` is "added", "updated" or "unchanged" (as `Store.add` says), or "failed" with
    `reason`. A file holding the same bytes as one read earlier in the run is "unchanged" with
    `duplicate_of` naming that file. `note` tells of anything else worth a look, such as a
    second file in the run claiming an id the first already took.
    """

    path: str
    action: str
    id: str | None = None
    reason: str | None = None
    duplicate_of: str | None = None
    note: str | None = None
    warnings: tuple[str, ...] = ()
    restored: bool = False  # read back from a JSONL backup, exactly as it was stored


@dataclass
class IngestReport:
    """Every file's result, in the order read, and the tallies a summary line needs."""

    results: list[FileResult] = field(default_factory=list)

    def _with(self, action: str) -> list[FileResult]:
        return [r for r in self.results if r.action == action]

    @property
    def added(self) -> list[FileResult]:
        return self._with("added")

    @property
    def updated(self) -> list[FileResult]:
        return self._with("updated")

    @property
    def unchanged(self) -> list[FileResult]:
        return self._with("unchanged")

    @property
    def failed(self) -> list[FileResult]:
        """Failed files; each has `path` and `reason`."""
        return self._with("failed")

    @property
    def duplicates(self) -> list[FileResult]:
        return [r for r in self.results if r.duplicate_of is not None]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "updated": 0, "unchanged": 0, "failed": 0}
        for result in self.results:
            counts[result.action] += 1
        return counts

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def ok(self) -> bool:
        return all(r.action != "failed" for r in self.results)

    def summary(self) -> str:
        """One line: `46 files: 44 added, 0 updated, 1 unchanged, 1 failed`."""
        counts = self.counts
        tallies = ", ".join(f"{n} {action}" for action, n in counts.items())
        noun = "file" if self.total == 1 else "files"
        return f"{self.total} {noun}: {tallies}"

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "counts": self.counts,
            "results": [asdict(r) for r in self.results],
        }


def files(paths: Paths) -> Iterator[Path]:
    """Every file `ingest` would read from `paths`, in the order it would read them.

    Folders are walked depth first in sorted name order. Inside a folder, hidden files and
    folders (`.git`, `.DS_Store`) and the folder's own documentation (`README.md`, `LICENSE`)
    are skipped; a path named outright is always read. Symbolic links to folders are not
    followed, so a link loop cannot make the walk endless. A path that does not exist is
    yielded as is, so `ingest` reports it as failed.
    """
    for path in _as_list(paths):
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def ingest(
    paths: Paths,
    store: Store,
    *,
    on_file: Callable[[Path, FileResult], None] | None = None,
    max_bytes: int = MAX_BYTES,
    index: bool = True,
) -> IngestReport:
    """Read, enrich and store every file under `paths`; one file's failure stops nothing.

    `on_file(path, result)` is called after each file, for a progress bar. With `index`, the
    search index beside the store then takes in what was stored.
    """
    report = IngestReport()
    by_sha: dict[str, FileResult] = {}
    id_paths: dict[str, str] = {}
    for path in files(paths):
        # A TEI volume or a backup holds many records: one result for each.
        for result in _ingest_one(path, store, max_bytes, by_sha, id_paths):
            report.results.append(result)
            if on_file is not None:
                on_file(path, result)
    if index:
        _catch_up_index(store)
    return report


def ingest_bytes(name: str, data: bytes, store: Store, *, index: bool = True) -> FileResult:
    """Read, enrich and store one file given as its bytes (an upload); `name` is its file name."""
    result = _store_one(name, data, store)
    if index and result.action in ("added", "updated"):
        _catch_up_index(store)
    return result


def _catch_up_index(store: Store) -> None:
    # After the store's commits, never inside them: the index keeps a watermark of the store's
    # changes, so a run killed before this line loses nothing; the next catch-up takes them in.
    from archivist.search import catch_up

    catch_up(store)


def _ingest_one(
    path: Path,
    store: Store,
    max_bytes: int,
    by_sha: dict[str, FileResult],
    id_paths: dict[str, str],
) -> list[FileResult]:
    name = str(path)
    if jsonl.is_backup(path) and path.is_file():
        return _restore(path, store)
    try:
        data = _read(path, max_bytes)
    except SourceError as exc:
        return [FileResult(name, "failed", reason=_one_line(exc.reason))]
    except OSError as exc:
        return [FileResult(name, "failed", reason=f"cannot read the file: {exc.strerror or exc}")]

    sha256 = hashlib.sha256(data).hexdigest()
    first = by_sha.get(sha256)
    if first is not None:
        # Same bytes under another name: one record, never two, and never an error.
        if first.action == "failed":
            return [FileResult(name, "failed", reason=first.reason, duplicate_of=first.path)]
        return [FileResult(name, "unchanged", id=first.id, duplicate_of=first.path)]

    results = _store_records(name, data, store)
    by_sha[sha256] = results[0]
    for number, result in enumerate(results):
        if result.id is not None and result.action != "failed":
            earlier = id_paths.setdefault(result.id, name)
            if earlier != name:
                results[number] = replace(
                    result, note=f"same record id as {earlier}, read earlier in this run; this file's version is kept"
                )
    return results


def _restore(path: Path, store: Store) -> list[FileResult]:
    """The records of a JSONL backup, stored exactly as they were: no reader, no stages."""
    name = str(path)
    results: list[FileResult] = []
    try:
        for document in jsonl.read_path(path):
            added = store.add(document)
            results.append(FileResult(name, added.action, id=added.id, restored=True))
    except SourceError as exc:
        results.append(FileResult(name, "failed", reason=_one_line(exc.reason)))
    except Exception as exc:  # a broken line must not lose the records restored before it
        results.append(FileResult(name, "failed", reason=_one_line(f"{type(exc).__name__}: {exc}")))
    return results or [FileResult(name, "failed", reason="an empty backup: no record in it")]


def _store_one(name: str, data: bytes, store: Store) -> FileResult:
    """One file's first record's result; a file of several records names how many more."""
    results = _store_records(name, data, store)
    if len(results) > 1:
        return replace(results[0], note=f"and {len(results) - 1} more records from the same file")
    return results[0]


def _store_records(name: str, data: bytes, store: Store) -> list[FileResult]:
    try:
        documents = read_records(name, data)
    except SourceError as exc:
        return [FileResult(name, "failed", reason=_one_line(exc.reason))]
    except Exception as exc:  # a reader's bug for one file must not lose the rest
        return [FileResult(name, "failed", reason=_one_line(f"{type(exc).__name__}: {exc}"))]
    return [_store_document(name, document, store) for document in documents]


def _store_document(name: str, document: Document, store: Store) -> FileResult:
    document_id: str | None = document.id
    try:
        # Enrichment costs far more than reading; a file stored as it is would come back
        # "unchanged" from `add` anyway, so a resumed ingest skips straight past it.
        if store.sha256_of(document.id) == document.source.sha256:
            return FileResult(name, "unchanged", id=document.id, warnings=tuple(document.warnings))
        document = pipeline.run(document)
        added = store.add(document)
    except SourceError as exc:
        return FileResult(name, "failed", reason=_one_line(exc.reason))
    except StageError as exc:
        return FileResult(name, "failed", id=document_id, reason=_one_line(str(exc)))
    except Exception as exc:  # a bug for one file must not lose the rest of the collection
        return FileResult(name, "failed", id=document_id, reason=_one_line(f"{type(exc).__name__}: {exc}"))
    return FileResult(name, added.action, id=added.id, warnings=tuple(document.warnings))


def _read(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing an oversized file before reading any of it."""
    if path.is_dir():
        # `files` yields a folder only when it could not list it.
        raise SourceError(str(path), "a folder that cannot be listed (check its permissions)")
    if not path.exists():
        raise SourceError(str(path), "no such file or folder")
    size = path.stat().st_size
    if size > max_bytes:
        raise TooLargeError(str(path), _too_large(size, max_bytes))
    with path.open("rb") as handle:
        # One byte past the limit is enough to know a file that grew since stat() is too big.
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLargeError(str(path), _too_large(max(size, len(data)), max_bytes))
    return data


def _too_large(size: int, max_bytes: int) -> str:
    return (
        f"file is {size:,} bytes, more than the {max_bytes:,}-byte limit for one record; "
        "split it into one file per record"
    )


def _as_list(paths: Paths) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _walk(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        # An unreadable folder is passed on as a path, so its failure shows in the report.
        yield folder
        return
    for entry in entries:
        if entry.name.startswith(".") or _is_folder_documentation(entry):
            continue
        if entry.is_dir():
            if not entry.is_symlink():
                yield from _walk(entry)
        else:
            yield entry


#: Files that describe a folder rather than hold a record: exports are shared in folders and
#: repositories that carry these, and reporting each as a failure would bury real ones.
_FOLDER_DOCUMENTATION = frozenset({"readme", "license", "licence", "copying", "changelog", "notice", "authors"})


def _is_folder_documentation(path: Path) -> bool:
    return path.is_file() and path.name.split(".", 1)[0].lower() in _FOLDER_DOCUMENTATION


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    """`python -m archivist.collection STORE PATH...`: ingest without the CLI's extras."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print("usage: python -m archivist.collection STORE PATH [PATH ...]", file=sys.stderr)
        return 2
    from archivist.store import open_store

    with open_store(args[0]) as store:
        report = ingest(args[1:], store)
    for failure in report.failed:
        print(f"{failure.path}: {failure.reason}", file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
