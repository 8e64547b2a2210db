"""The `archivist` command: a thin layer that parses options, calls the library, formats output.

Every failure archivist expects (an `ArchivistError`, a file that cannot be opened) ends the
command with exit status 1 and one line on stderr, `archivist: error: ...`, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterator

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from archivist import collection, pipeline
from archivist.document import Document
from archivist.errors import ArchivistError
from archivist.settings import Settings, setting
from archivist.store import Store, open_store

__all__ = ["cli", "main"]

ERROR_PREFIX = "archivist: error:"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        # str(OSError) reads "[Errno 2] No such file or directory: 'x'"; name the file first.
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    # One line, whatever the message: a store's error may quote a multi-line statement.
    return " ".join(str(exc).split()) or type(exc).__name__


class _ArchiveGroup(click.Group):
    """A group that turns expected failures into one line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # `archivist list | head` closes the pipe early: not an error worth a message. Point
            # stdout at /dev/null so the interpreter's last flush does not fail on it again.
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):  # a stdout with no file behind it (a test runner)
                pass
            ctx.exit(1)
        except (ArchivistError, OSError) as exc:
            click.echo(f"{ERROR_PREFIX} {_describe(exc)}", err=True)
            ctx.exit(1)


def _setting_option(
    name: str, *flags: str, metavar: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A click option whose default, type, environment variable and help come from settings."""
    spec = setting(name)
    return click.option(
        *flags,
        name,
        type=spec.type,
        metavar=metavar or spec.name.upper(),
        # Read when the command runs, not at import, so the environment of the moment counts.
        default=lambda: Settings().get(name),
        show_default=False,
        help=f"{spec.help} [env: {spec.env}; default: {spec.default}]",
    )


_db_option = _setting_option("db", "--db", metavar="PATH")


def _open_existing(db: str) -> Store:
    """Open `db` for reading; a path that is not there is an error, not a new empty archive."""
    path = db.removeprefix("sqlite:///")
    if "://" not in path and path != ":memory:" and not Path(path).exists():
        raise ArchivistError(
            f"database {db} does not exist; create it with `archivist ingest PATH --db {db}`"
        )
    return open_store(db)


def _text(value: object) -> Text:
    # Records are full of square brackets ("[sic; November]", "[North] Korea"); as plain Text
    # they are never read as rich markup.
    return Text("" if value is None else str(value))


_EPILOG = "\b\nExample:\n  {}"


def _example(*lines: str) -> str:
    return _EPILOG.format("\n  ".join(lines))


@click.group(
    cls=_ArchiveGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=_example("archivist ingest samples --db archive.db", "archivist list --db archive.db"),
)
@click.version_option(package_name="archivist", prog_name="archivist")
def cli() -> None:
    """A digital archive for translated historical primary sources.

    Reads archive exports (Wilson Center Digital Archive text, FRUS, Markdown) into records
    with exact metadata, keeps each original byte for byte, and serves them.
    """


@cli.command(epilog=_example("archivist ingest samples ../shared/corpus/seeds --db archive.db"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_db_option
@_setting_option("max_file_bytes", "--max-file-bytes", metavar="BYTES")
def ingest(paths: tuple[Path, ...], db: str, max_file_bytes: int) -> None:
    """Read export files (or folders of them) into the archive.

    Each file becomes one record. In a folder, every file is read except hidden ones and the
    folder's own documentation (README, LICENSE ...). A file read before with the same bytes is
    left unchanged; with other bytes it is updated and the old version's checksum is kept in the
    record's history. A file that cannot be read is listed with the reason, and the others are
    still read; the command then exits with status 1. Warnings the readers raise (an editorial
    correction in a date ...) are listed too.
    """
    total = sum(1 for _ in collection.files(paths))
    counts = dict.fromkeys(("added", "unchanged", "updated", "failed"), 0)
    with open_store(db) as store, Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as progress:
        task = progress.add_task("ingest", total=total, counts="")

        def on_file(path: Path, result: collection.FileResult) -> None:
            counts[result.action] += 1
            progress.update(task, advance=1, counts="  ".join(f"{k} {v}" for k, v in counts.items() if v))

        report = collection.ingest(paths, store, on_file=on_file, max_bytes=max_file_bytes)
        # A restored backup is already linked as it was; linking it again would change it.
        if any(r.action in ("added", "updated") and not r.restored for r in report.results):
            # Surnames are read with the evidence of the whole collection once it is all in.
            from archivist.people import relink

            relink(store)
    _print_report(report, db)
    if not report.ok:
        raise SystemExit(1)


def _print_report(report: collection.IngestReport, db: str) -> None:
    out = Console(highlight=False)
    # A line of its own: as a table title it would wrap to the narrow table's width.
    out.print(_text(f"{report.total} {'file' if report.total == 1 else 'files'} into {db}"))
    table = Table()
    table.add_column("result")
    table.add_column("files", justify="right")
    for action, number in report.counts.items():
        table.add_row(action, str(number), style="bold red" if action == "failed" and number else None)
    out.print(table)
    _print_files(out, "Failed", "reason", [(r.path, r.reason) for r in report.failed])
    # Stored, but with something the reader could not settle alone: the historian should know.
    notes = [(r.path, note) for r in report.results for note in ((r.note,) if r.note else ()) + r.warnings]
    _print_files(out, "Worth a look", "note", notes)


def _print_files(out: Console, title: str, heading: str, rows: list[tuple[str, str | None]]) -> None:
    """A table of files and what is said of each; nothing at all when there are none."""
    if not rows:
        return
    table = Table(title=title, title_justify="left")
    table.add_column("file", overflow="fold")
    table.add_column(heading, overflow="fold")
    for path, text in rows:
        table.add_row(_text(path), _text(text))
    out.print(table)


@cli.command(
    epilog=_example(
        "archivist show frus1955-57v23p2-d2 --db archive.db",
        "archivist show frus1955-57v23p2-d2 --db archive.db --json",
    )
)
@click.argument("record_id", metavar="ID")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print the record's JSON form instead.")
def show(record_id: str, db: str, as_json: bool) -> None:
    """Print one record: its metadata, then its text."""
    with _open_existing(db) as store:
        document = store.get(record_id)
    if as_json:
        click.echo(json.dumps(document.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_document(document)


def _print_document(document: Document) -> None:
    # Plain lines rather than a rich table: the terminal wraps them, so a URL or a citation
    # stays whole when copied.
    width = 19

    def row(label: str, value: object) -> None:
        if value:
            lines = str(value).splitlines() or [""]
            click.echo(click.style(f"{label:<{width}}", bold=True) + lines[0])
            for line in lines[1:]:
                click.echo(" " * width + line)

    row("id", document.id)
    row("title", document.title)
    date = document.date
    if date:
        original = f"  ({date.original})" if date.original and date.original != date.edtf else ""
        row("date", f"{date.edtf}{original}")
    row("citation", document.citation)
    row("url", document.url)
    provenance = document.provenance
    row("provenance", provenance.raw)
    for part in ("archive", "repository", "collection", "series", "file", "pages"):
        row(f"  {part}", getattr(provenance, part))
    row("translators", ", ".join(document.translators))
    row("original language", document.original_language)
    row("contents language", document.contents_language)
    row("summary", document.summary)
    for label in ("document_type", "classification", "place", "dateline", "drafter", "signer"):
        row(label.replace("_", " "), getattr(document, label))
    row("participants", "\n".join(f"{p.name}{f' ({p.side})' if p.side else ''}" for p in document.participants))
    persons: dict[str, int] = {}
    for mention in document.mentions:
        if mention.kind == "person" and mention.canonical:
            persons[mention.canonical] = persons.get(mention.canonical, 0) + 1
    row("persons", ", ".join(f"{name} ({count})" for name, count in sorted(persons.items(), key=lambda kv: -kv[1])))
    from archivist.glossary import glossary_of

    row("glossary", "\n".join(f"{t.term}: {t.expansion}" for t in glossary_of(document)))
    row("warnings", "\n".join(document.warnings))
    click.echo("-" * 72)
    click.echo(document.text)


@cli.command("list", epilog=_example("archivist list --db archive.db", "archivist list --json --limit 20"))
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most this many records.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Skip this many first.")
def list_records(db: str, as_json: bool, limit: int | None, offset: int) -> None:
    """List records by date (undated last): id, date and title."""
    with _open_existing(db) as store:
        records = store.list(limit=limit, offset=offset)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in records], ensure_ascii=False, indent=2))
        return
    table = Table(show_header=True)
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("title", overflow="fold")
    for record in records:
        table.add_row(_text(record.id), _text(record.date), _text(record.title))
    Console(highlight=False).print(table)


@cli.command(epilog=_example("archivist stages"))
def stages() -> None:
    """Print the pipeline's stages in the order they run, with what each requires and assigns."""
    table = Table(show_header=True)
    table.add_column("#", justify="right")
    table.add_column("stage", no_wrap=True)
    # Field paths such as annotations.footnote_ref are longer than a narrow column: fold them
    # rather than cut them short.
    table.add_column("requires", overflow="fold")
    table.add_column("assigns", overflow="fold")
    table.add_column("does", overflow="fold")
    for number, current in enumerate(pipeline.stages(), start=1):
        table.add_row(
            str(number),
            _text(current.name),
            _text(", ".join(current.requires) or "-"),
            _text(", ".join(current.assigns) or "-"),
            _text(current.doc),
        )
    Console(highlight=False).print(table)


@cli.command("export-original", epilog=_example("archivist export-original frus1955-57v23p2-d2 -o d2.txt"))
@click.argument("record_id", metavar="ID")
@_db_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Write to this file instead of standard output.",
)
def export_original(record_id: str, db: str, output: Path | None) -> None:
    """Write a record's original file, byte for byte, as it was ingested."""
    with _open_existing(db) as store:
        data = store.original(record_id)
    if output is None:
        # Bytes go to stdout's binary buffer untouched: no newline added, no decoding.
        click.echo(data, nl=False)
        return
    output.write_bytes(data)
    click.echo(f"wrote {len(data):,} bytes to {output}", err=True)


@cli.command(epilog=_example("archivist serve --db archive.db --port 8000"))
@_db_option
@_setting_option("host", "--host")
@_setting_option("port", "--port")
def serve(db: str, host: str, port: int) -> None:
    """Serve the archive's web pages on HOST:PORT until interrupted."""
    import uvicorn

    from archivist.web import create_app

    # Check before serving: a typo in --db would otherwise serve an empty archive.
    _open_existing(db).close()
    uvicorn.run(create_app(db), host=host, port=port, log_level="info")


@cli.command(
    "search",
    epilog=_example(
        'archivist search "speaker:Mao Korea" --db archive.db',
        "archivist search 'year:1955 classification:\"Top Secret\"' --facets --json",
    ),
)
@click.argument("query", default="")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead.")
@click.option("--facets", "with_facets", is_flag=True, help="Count the matching records by year, decade, language, archive, type, classification, person, speaker and translator.")
@click.option(
    "--select",
    "selections",
    multiple=True,
    metavar="FACET=VALUE",
    help="Narrow to a facet value (repeatable; values of one facet are ORed, facets ANDed).",
)
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True, help="Best match first, or oldest first.")
@click.option("--limit", type=click.IntRange(0, 100), default=10, show_default=True, help="Records on the page.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Skip this many first.")
def search_command(
    query: str,
    db: str,
    as_json: bool,
    with_facets: bool,
    selections: tuple[str, ...],
    sort: str,
    limit: int,
    offset: int,
) -> None:
    """Search the records with the query language: words, "phrases", AND/OR/NOT, -word,
    (groups), prefix*, NEAR(a b, 5), and the fields title:, person:, speaker:, year:, date:,
    lang:, archive:, type:, classification:, translator:. An empty query lists everything."""
    from archivist.search import search

    selected: dict[str, list[str]] = {}
    for selection in selections:
        name, sep, value = selection.partition("=")
        if not sep or not name or not value:
            raise click.BadParameter(f"{selection!r} is not FACET=VALUE", param_hint="--select")
        selected.setdefault(name, []).append(value)
    with _open_existing(db) as store:
        results = search(store, query, selected=selected, sort=sort, offset=offset, limit=limit, facets=with_facets)
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_results(results)


def _print_results(results: Any) -> None:
    out = Console(highlight=False)
    shown = f"{results.offset + 1}–{results.offset + len(results.hits)} of " if results.hits else ""
    out.print(_text(f"{shown}{results.total:,} records for {results.parsed or 'everything'}"), style="bold")
    for note in results.notes:
        out.print(_text(f"note: {note}"))
    for hit in results.hits:
        out.print(_text(f"{hit.date or 'undated':<12} {hit.id}  {hit.title or ''}"))
        for snippet in hit.snippets:
            speaker = f"{snippet.speaker}: " if snippet.speaker else ""
            out.print(_text(f"    {speaker}{' '.join(snippet.text.split())}"))
        for variant in hit.variants:
            out.print(_text(f"    matched {variant.printed!r} for {variant.query!r} ({variant.via})"))
    for name, values in results.facets.items():
        if values:
            out.print(_text(f"{name}: " + ", ".join(f"{v.label or v.value} ({v.count})" for v in values)))


@cli.command(epilog=_example("archivist reindex --db archive.db"))
@_db_option
def reindex(db: str) -> None:
    """Rebuild the search index from the store. The index is derived data beside the store,
    kept up to date by ingest; rebuild it after a crash that damaged it, or to start afresh.
    """
    from archivist.search import reindex as rebuild

    with _open_existing(db) as store:
        count = rebuild(store)
    click.echo(f"indexed {count:,} records of {db}")


@cli.command(
    epilog=_example("archivist people --db archive.db", "archivist people --db archive.db --prefix Kim --json")
)
@_db_option
@click.option("--prefix", default=None, help="Only persons whose name starts with this.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many persons.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def people(db: str, prefix: str | None, limit: int, as_json: bool) -> None:
    """List the persons the records mention, most mentioned first, with their authority ids."""
    from archivist.people import people as counted

    with _open_existing(db) as store:
        rows = counted(store, prefix=prefix, limit=limit)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table()
    for column in ("id", "name", "mentions", "records"):
        table.add_column(column, justify="right" if column in ("mentions", "records") else "left")
    for row in rows:
        table.add_row(_text(row.authority_id), _text(row.name), str(row.mentions), str(row.documents))
    Console().print(table)


@cli.command(epilog=_example("archivist person 107176 --db archive.db", "archivist person local:choe-yong-geon --json"))
@click.argument("person_id", metavar="ID")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print the person's page as JSON instead.")
def person(person_id: str, db: str, as_json: bool) -> None:
    """Show one person: the spellings the records print, the records, who is named with them,
    and the turns they speak."""
    from archivist.people import person_page

    with _open_existing(db) as store:
        page = person_page(store, person_id)
    if as_json:
        click.echo(json.dumps(page.to_dict(), ensure_ascii=False, indent=2))
        return
    out = Console(highlight=False)
    life = f" ({page.birth_year or '?'}–{page.death_year or ''})" if page.birth_year or page.death_year else ""
    out.print(_text(f"{page.name}{life}  [{page.id}{', local record' if page.local else ''}]"), style="bold")
    for spelling, ids in page.spellings.items():
        out.print(_text(f"  “{spelling}” in {len(ids)} record{'s' if len(ids) != 1 else ''}: {', '.join(ids[:5])}"))
    table = Table(title="Records", title_justify="left")
    for column in ("date", "id", "title", "mentions"):
        table.add_column(column, overflow="fold")
    for item in page.documents:
        table.add_row(_text(item["date"] or ""), _text(item["id"]), _text(item["title"] or ""), str(item["mentions"]))
    out.print(table)
    if page.co_mentioned:
        out.print(_text("Named with: " + "; ".join(f"{name} ({count})" for _, name, count in page.co_mentioned[:10])))
    if page.turns:
        out.print(_text(f"Speaks in {len(page.turns)} turns, e.g. “{page.turns[0].excerpt[:120]}”"))


@cli.command(
    epilog=_example(
        "archivist enrich --db archive.db",
        "archivist enrich --db postgresql://archivist@db.example.org/archive --workers 4",
        "archivist enrich --db postgresql://archivist@db/archive --scheduler tcp://10.0.0.5:8786",
    )
)
@_db_option
@click.option(
    "--workers", type=click.IntRange(min=0), default=0, show_default=True,
    help="Worker processes of a local Dask cluster on 127.0.0.1; 0 enriches in this process.",
)
@click.option(
    "--scheduler", metavar="ADDRESS", default=None,
    help="The scheduler of an existing Dask cluster (tcp://host:8786) instead of a local one; "
    "its workers must reach the database, so give a PostgreSQL URL.",
)
@click.option("--partition-size", type=click.IntRange(min=1), default=None, help="Records per task (by default, enough for 8 tasks a worker, at most 250).")
@click.option("--force", is_flag=True, help="Enrich records this same pipeline has enriched already, too.")
def enrich(db: str, workers: int, scheduler: str | None, partition_size: int | None, force: bool) -> None:
    """Run the pipeline again over the stored records, from their original bytes, then link
    the records' person mentions with the evidence of their whole collection. Use it after
    upgrading archivist or loading another authority file.

    Records already enriched by this same pipeline (code, authority, glossary and settings) are
    skipped, so a run that was stopped is finished by running it again. A record a stage fails
    on is listed with the reason, and the others go on; the command then exits with status 1.
    """
    from archivist.enrichment import enrich as run

    _open_existing(db).close()
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} partitions"),
        TextColumn("{task.fields[rate]}"),
        TextColumn("{task.fields[errors]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    state = {"documents": 0, "errors": 0, "started": 0.0}
    task = progress.add_task("enrich", total=None, rate="", errors="")

    def on_start(records: int, partitions: int, skipped: int) -> None:
        import time

        state["started"] = time.perf_counter()
        progress.update(task, total=partitions, errors=f"{skipped:,} already enriched" if skipped else "")

    def on_partition(result: Any) -> None:
        import time

        state["documents"] += result.records
        state["errors"] += len(result.failures)
        elapsed = max(time.perf_counter() - state["started"], 1e-6)
        progress.update(
            task, advance=1, rate=f"{state['documents'] / elapsed:,.1f} docs/s", errors=f"{state['errors']:,} errors"
        )

    linking: dict[str, Any] = {}

    def on_link(done: int, total: int) -> None:
        if "task" not in linking:
            linking["task"] = progress.add_task("link", total=total, rate="evidence, then links", errors="")
        progress.update(linking["task"], completed=done)

    with progress:
        report = run(
            db, workers=workers, scheduler=scheduler, partition_size=partition_size, force=force,
            on_start=on_start, on_partition=on_partition, on_link=on_link,
        )
    if report.failures:
        table = Table(title="Failed", title_justify="left")
        table.add_column("record", overflow="fold")
        table.add_column("reason", overflow="fold")
        for failure in report.failures:
            table.add_row(_text(failure.id), _text(failure.reason))
        Console(highlight=False).print(table)
    click.echo(f"{report.summary()} in {db}")
    if not report.ok:
        raise SystemExit(1)


@cli.command(
    epilog=_example(
        "archivist migrate --from archive.db --to postgresql://archivist@db.example.org/archive",
        "archivist migrate --from archive.db --to 'postgresql:///archive?host=/var/run/postgresql' --check",
    )
)
@click.option("--from", "source", required=True, metavar="PATH_OR_URL", help="The store to copy: a SQLite file or a PostgreSQL URL.")
@click.option("--to", "target", required=True, metavar="URL_OR_PATH", help="The store to copy into (created if missing).")
@click.option("--check", is_flag=True, help="Afterwards, compare every record of both stores, JSON, bytes, times and history.")
def migrate(source: str, target: str, check: bool) -> None:
    """Copy every record of one store into another, exactly: each record's JSON, its original
    bytes, when it was added and changed, and its history with the earlier versions' bytes.
    A copy that was stopped is finished by running it again. The target's search index then
    takes in what was copied."""
    from archivist.search import catch_up
    from archivist.store.migration import copy_store, differences

    with _open_existing(source) as origin, open_store(target) as destination:
        total = origin.count()
        with Progress(
            TextColumn("[bold]migrate"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True),
        ) as progress:
            task = progress.add_task("migrate", total=total)
            report = copy_store(origin, destination, on_record=lambda id, action: progress.update(task, advance=1))
        catch_up(destination)
        found = differences(origin, destination) if check else []
    click.echo(f"{report.summary()} from {source} into {target}")
    if found:
        raise ArchivistError("the copy differs from the original: " + "; ".join(found))
    if check:
        click.echo("checked: every record is the same in both stores")


def _records(store: Store, ids: tuple[str, ...], query: str | None, limit: int | None) -> Iterator[Document]:
    """The records named, or those a search matches, or every record; one at a time."""
    from archivist.export.bibliography import MAX_RECORDS, search_records

    if ids and query is not None:
        raise ArchivistError("give record ids or --search, not both")
    if query is not None:
        yield from search_records(store, query, limit=limit or MAX_RECORDS)
        return
    for number, record_id in enumerate(ids or store.ids()):
        if limit is not None and number >= limit:
            return
        yield store.get(record_id)


_SEARCH_OPTION = click.option(
    "--search", "query", metavar="QUERY", default=None,
    help="Take the records this search matches (the query language of `archivist search`), best first.",
)
_LIMIT_OPTION = click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many records.")


@cli.command(
    epilog=_example(
        "archivist cite wilson-117838 --db archive.db",
        "archivist cite --search 'speaker:Mao Korea' --format bibtex --db archive.db > mao.bib",
    )
)
@click.argument("record_ids", metavar="[ID]...", nargs=-1)
@click.option(
    "--format", "form", type=click.Choice(["chicago", "csl-json", "bibtex", "ris"]), default="chicago",
    show_default=True, help="Citation format.",
)
@_SEARCH_OPTION
@_LIMIT_OPTION
@_db_option
def cite(record_ids: tuple[str, ...], form: str, query: str | None, limit: int | None, db: str) -> None:
    """Print the citation of each record named, or the bibliography of a search (or of the
    whole archive): a Chicago note a line, a CSL-JSON array, BibTeX or RIS entries."""
    from archivist.export.bibliography import bibliography

    with _open_existing(db) as store:
        click.echo(bibliography(list(_records(store, record_ids, query, limit)), form), nl=False)


@cli.command(
    "export",
    epilog=_example(
        "archivist export --format jsonl --db archive.db > backup.jsonl",
        "archivist export frus1955-57v23p2-d8 --format tei -o d8.xml --db archive.db",
        "archivist export --format tei -o tei/ --db archive.db",
    ),
)
@click.argument("record_ids", metavar="[ID]...", nargs=-1)
@click.option(
    "--format", "form",
    type=click.Choice(["jsonl", "tei", "dublin-core", "csl-json", "bibtex", "ris", "chicago"]),
    required=True, help="Export format; jsonl is the backup `archivist ingest` restores.",
)
@_SEARCH_OPTION
@_LIMIT_OPTION
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None,
    help="Write to this file, or into this existing folder one file a record; standard output by default.",
)
@_db_option
def export_records(
    record_ids: tuple[str, ...], form: str, query: str | None, limit: int | None, output: Path | None, db: str
) -> None:
    """Export records (those named, those a search matches, or all) in one format.

    `jsonl` writes the backup: one record a line with everything it holds, original bytes
    included; `archivist ingest backup.jsonl` into an empty archive gives it back exactly. `tei`
    writes TEI P5 (several records as one teiCorpus, or one file each into a folder).
    """
    from archivist.export import exporter, render_many

    module = exporter(form)
    with _open_existing(db) as store:
        records = _records(store, record_ids, query, limit)
        if output is not None and output.is_dir():
            count = 0
            for document in records:
                data = module.render(document)
                target = output / f"{document.id}{module.suffix}"
                target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
                count += 1
            click.echo(f"wrote {count:,} files to {output}", err=True)
            return
        if form == "jsonl":
            # A backup can be far larger than memory: one record at a time.
            handle = output.open("w", encoding="utf-8") if output is not None else None
            try:
                for document in records:
                    line = module.render(document)
                    if handle is not None:
                        handle.write(line)
                    else:
                        click.echo(line, nl=False)
            finally:
                if handle is not None:
                    handle.close()
            return
        documents = list(records)
        data = module.render(documents[0]) if len(documents) == 1 else render_many(form, documents)
    if output is not None:
        output.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return
    click.echo(data, nl=False)


def main() -> None:
    cli(prog_name="archivist")


if __name__ == "__main__":
    main()
