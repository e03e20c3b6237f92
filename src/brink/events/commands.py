"""``brink events ...``: the event store on the command line.

    brink events import FILE --format FORMAT [--db brink.duckdb]   (formats: brink events import --help)
    brink events series --dyad IRN,ISR --freq W
    brink events timeline [--scenario iran-2024]
    brink events export --format parquet|csv --out FILE
    brink events load-scenario [iran-2024]
    brink events decision-points [iran-2024] [--yaml FILE]
    brink events remap [--dictionary FILE]
    brink events unmapped | info | dictionary
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from brink.console import console, make_console

err = make_console(stderr=True)

events_app = typer.Typer(
    name="events",
    help="Event store: import event data files, dyadic series, timeline, export.",
    no_args_is_help=True,
)

DbOpt = Annotated[Path, typer.Option("--db", help="event store file (DuckDB)")]
DictOpt = Annotated[
    str, typer.Option("--dictionary", help="actor dictionary: a scenario (its events/dictionary.yaml) or a YAML file")
]
SinceOpt = Annotated[str | None, typer.Option("--since", help="first date, YYYY-MM-DD")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="last date, YYYY-MM-DD")]
RESULTS = Path("brink-results") / "events"


def _format_help() -> str:
    from brink.events.importers import formats

    return "event format: " + " | ".join(formats())


def register(app: typer.Typer) -> None:
    app.add_typer(events_app, name="events")


def _s(v) -> str:
    """A cell as text: missing values (None, NaN) as ''."""
    return "" if v is None or v != v else str(v)


def _store(db: Path, *, must_exist: bool = False, read_only: bool = False):
    """The store at ``db``; ``read_only`` for commands that only read it (and then it must exist)."""
    from brink.errors import BrinkError
    from brink.events.store import EventStore

    if (must_exist or read_only) and not db.exists():
        raise BrinkError(f"no event store at {db}: import events first (brink events import FILE --format ...)")
    return EventStore(db, read_only=read_only)


def _out(path: Path | None, option: str) -> Path | None:
    """Refuse an output path no file can be written to, before any work is done."""
    from brink.errors import BrinkError

    if path is None:
        return None
    if path.is_dir():
        raise BrinkError(f"{option} {path}: is a folder: give a file name")
    for up in path.parents:
        if up.exists():
            if not up.is_dir():
                raise BrinkError(f"{option} {path}: {up} is a file, not a folder")
            break
    return path


def _write_text(path: Path, text: str) -> None:
    """Write whole or not at all: a temporary file beside ``path``, then renamed over it."""
    import os
    import tempfile

    from brink.errors import BrinkError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise BrinkError(f"{path}: cannot write there: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise BrinkError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


@events_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="file to import")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=_format_help())],
    db: DbOpt = Path("brink.duckdb"),
    dictionary: DictOpt = "iran-2024",
    show: Annotated[int, typer.Option("--show", help="how many bad rows / unmapped names to list")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    date_format: Annotated[
        str | None,
        typer.Option("--date-format", help="how numeric dates are written (csv, acled), e.g. %d/%m/%Y or %m/%d/%Y; "
                     "ISO dates need none"),
    ] = None,
) -> None:
    """Import events into the store: one transaction per file, idempotent by source id."""
    import json

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from brink.errors import BrinkError
    from brink.events.dictionary import load_dictionary

    if show < 0:
        raise BrinkError(f"--show {show}: must be a whole number >= 0")

    from brink.events import importers

    importers.get(fmt)  # an unknown format is refused before a store is opened (or created)
    if not file.exists():
        raise BrinkError(f"{file}: no such file")
    dic = load_dictionary(dictionary)
    created = not db.exists()
    try:
        with _store(db) as store:
            bar = Progress(TextColumn("{task.description:<22}"), BarColumn(),
                           TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(), console=err, transient=True)
            with bar:
                task = bar.add_task(f"importing {file.name}", total=1.0)
                report = store.import_file(
                    file, fmt, dic, progress=lambda stage, frac: bar.update(task, completed=frac, description=stage),
                    date_format=date_format,
                )
    except BaseException:
        if created:  # a failed first import leaves no empty store behind: the folder is as it was
            for leftover in (db, db.with_name(db.name + ".wal")):
                if leftover.is_file():
                    leftover.unlink()
        raise
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    _print_report(report, show)


def _print_report(report, show: int) -> None:
    console.print(
        f"[bold]{report.file}[/]: {report.records:,} records read, [green]{report.inserted:,} imported[/], "
        f"{report.duplicates:,} already in the store, "
        f"{'[red]' if report.rejected else ''}{report.rejected:,} bad{'[/]' if report.rejected else ''} "
        f"({report.seconds:.2f} s, {report.rows_per_second:,.0f} rows/s)",
        highlight=False,
    )
    if report.problems:
        console.print(f"Bad rows (not imported){' - first ' + str(show) if len(report.problems) > show else ''}:")
        for p in report.problems[:show]:
            console.print(f"  {report.file}:{p.line if p.line is not None else '?'}: {p.field}: {p.reason}",
                          highlight=False, markup=False)
    if report.unmapped_events:
        um = report.unmapped
        console.print(
            f"[yellow]{report.unmapped_events:,} imported event(s) have a side the dictionary does not map[/] "
            f"(kept with actor/target empty; add the names to the dictionary, see `brink events unmapped`):"
        )
        for r in um.head(show).itertuples():
            console.print(f"  {r.side:<6} {_s(r.name) or '-':<40} code {_s(r.code) or '-':<12} {r.events:>7,} event(s)",
                          highlight=False, markup=False)


@events_app.command("series")
def series_cmd(
    dyad: Annotated[str, typer.Option("--dyad", help="two actor ids, e.g. IRN,ISR (* = any actor, A+B = a group)")] = "IRN,ISR",
    freq: Annotated[str, typer.Option("--freq", help="D, W, M, Q or Y")] = "W",
    directed: Annotated[bool, typer.Option("--directed", help="only events from the first actor to the second")] = False,
    score: Annotated[str, typer.Option("--score", help="intensity | goldstein | plover_score")] = "intensity",
    window: Annotated[int, typer.Option("--window", help="periods in the escalation baseline")] = 4,
    since: SinceOpt = None,
    until: UntilOpt = None,
    db: DbOpt = Path("brink.duckdb"),
    plot: Annotated[Path | None, typer.Option("--plot", help="PNG file (default brink-results/events/...)")] = None,
    no_plot: Annotated[bool, typer.Option("--no-plot", help="print the table only")] = False,
    csv: Annotated[Path | None, typer.Option("--csv", help="also write the series to this CSV file")] = None,
) -> None:
    """Dyadic conflict-cooperation series: counts by quad class, intensity, escalation index."""
    from brink.events.plots import plot_series
    from brink.events.series import check_actors, dyad_series, parse_dyad

    a, b = parse_dyad(dyad)
    _out(csv, "--csv")
    _out(plot, "--plot")
    with _store(db, read_only=True) as store:
        check_actors(store, [a, b])
        df = dyad_series(store, (a, b), freq, directed=directed, score=score, since=since, until=until,
                         window=window)
    if df.empty:
        console.print(f"no events between {a} and {b} in {db}")
        raise typer.Exit(0)
    t = Table(title=f"{a} {'→' if directed else '↔'} {b}, by {freq.upper()} ({score})")
    t.add_column("period", no_wrap=True, min_width=10)
    for c in ("events", "sum", "mean", "v-coop", "m-coop", "v-conf", "m-conf", "escalation"):
        t.add_column(c, justify="right")
    for r in df.reset_index().itertuples():
        t.add_row(
            f"{r.period:%Y-%m-%d}", f"{r.events:,}", f"{r.sum_intensity:.1f}",
            "" if r.mean_intensity != r.mean_intensity else f"{r.mean_intensity:.2f}",
            f"{r.verbal_cooperation}", f"{r.material_cooperation}", f"{r.verbal_conflict}", f"{r.material_conflict}",
            "" if r.escalation != r.escalation else f"{r.escalation:+.2f}",
        )
    console.print(t)
    if csv:
        _write_text(csv, df.to_csv())
        console.print(f"series written to {csv}")
    if not no_plot:
        out = plot or RESULTS / f"series_{a}_{b}_{freq.upper()}.png".replace("*", "any").replace("+", "-")
        plot_series(df, out)
        console.print(f"plot written to {out}")


@events_app.command("timeline")
def timeline_cmd(
    scenario: Annotated[str, typer.Option("--scenario", help="scenario whose timeline to draw ('' for none)")] = "iran-2024",
    db: DbOpt = Path("brink.duckdb"),
    out: Annotated[Path | None, typer.Option("--out", help="PNG file")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """One chart of scenario and store events, a lane per front."""
    from brink.events.plots import plot_timeline
    from brink.events.scenario_link import timeline_data

    _out(out, "--out")
    sc = None
    lanes, labels = None, None
    if scenario:
        from brink.scenario import load_scenario

        sc = load_scenario(scenario)
        lanes = [f.id for f in sc.fronts]
        labels = {f.id: f"{f.label} ({f.id})" for f in sc.fronts}
    with _store(db, read_only=db.exists()) as store:
        daily, events = timeline_data(store, sc, since=since, until=until)
    out = out or RESULTS / f"timeline_{scenario or 'store'}.png"
    title = f"{sc.meta.title if sc else 'Event store'}: events by front"
    plot_timeline(daily, events, out, lanes=lanes, lane_labels=labels, title=title)
    console.print(f"{int(daily['events'].sum()) if not daily.empty else 0:,} store events, {len(events)} scenario "
                  f"events; plot written to {out}")


@events_app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet | csv")] = "parquet",
    out: Annotated[Path | None, typer.Option("--out", help="output file (default brink-results/events/events.FMT)")] = None,
    db: DbOpt = Path("brink.duckdb"),
    actors: Annotated[str | None, typer.Option("--actors", help="only events involving these ids, comma-separated")] = None,
    source: Annotated[str | None, typer.Option("--source", help="only events from this source")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """Write stored events to Parquet or CSV."""
    from brink.errors import BrinkError
    from brink.events.series import check_actors

    out = _out(out, "--out") or RESULTS / f"events.{fmt.lower()}"
    ids = [a.strip() for a in actors.split(",")] if actors is not None else None
    if ids is not None and not all(ids):
        raise BrinkError(f"--actors {actors!r}: actor ids separated by commas, none empty (e.g. IRN,ISR)")
    with _store(db, read_only=True) as store:
        if ids:
            check_actors(store, ["+".join(ids)])
        if source is not None:
            have = [r[0] for r in store.con.execute("SELECT DISTINCT source FROM events ORDER BY 1").fetchall()]
            if source not in have:
                raise BrinkError(f"--source {source!r}: no stored event has this source "
                                 f"(sources in {db}: {', '.join(have) or 'none'})")
        n = store.export(out, fmt, actors=ids, source=source, since=since, until=until)
    console.print(f"{n:,} events written to {out}")


@events_app.command("load-scenario")
def load_scenario_cmd(
    scenario: Annotated[str, typer.Argument(help="scenario name or folder")] = "iran-2024",
    db: DbOpt = Path("brink.duckdb"),
    dictionary: Annotated[
        str | None, typer.Option("--dictionary", help="actor dictionary YAML file (default: the scenario's own)")
    ] = None,
) -> None:
    """Put the scenario's dated timeline into the store (source 'scenario'; idempotent)."""
    from brink.events.scenario_link import load_timeline

    with _store(db) as store:
        report = load_timeline(store, scenario, dictionary)
    _print_report(report, 50)


@events_app.command("decision-points")
def decision_points_cmd(
    scenario: Annotated[str, typer.Argument(help="scenario name or folder")] = "iran-2024",
    db: DbOpt = Path("brink.duckdb"),
    max_intensity: Annotated[float, typer.Option("--max-intensity", help="trigger events at or below this score")] = -9.0,
    days: Annotated[int, typer.Option("--days", help="days after a trigger to look for the response")] = 30,
    since: SinceOpt = None,
    until: UntilOpt = None,
    yaml_out: Annotated[Path | None, typer.Option("--yaml", help="write the candidates as a YAML snippet")] = None,
) -> None:
    """Candidate decision points from store events, for an analyst to review (scenario files untouched)."""
    from brink.errors import BrinkError
    from brink.events.scenario_link import candidate_decision_points, candidates_yaml

    if days < 1:
        raise BrinkError(f"--days {days}: must be at least 1")
    if not -10 <= max_intensity <= 10:  # also refuses NaN
        raise BrinkError(f"--max-intensity {max_intensity}: must be a score between -10 and 10")

    _out(yaml_out, "--yaml")
    with _store(db, read_only=True) as store:
        cands = candidate_decision_points(store, scenario, max_intensity=max_intensity, response_days=days,
                                          since=since, until=until)
    if cands.empty:
        console.print("no candidate decision points: no stored trigger events that the scenario does not already have")
        raise typer.Exit(0)
    t = Table(title=f"Candidate decision points ({len(cands)}) - review before adding to the scenario")
    for c in ("date", "decides", "after", "front", "events", "taken (closest action)", "example"):
        t.add_column(c)
    for r in cands.itertuples():
        t.add_row(f"{r.date}", r.actor, r.trigger_actor, str(r.front or ""), str(r.trigger_events), str(r.taken or ""),
                  r.trigger_example)
    console.print(t)
    out = yaml_out or RESULTS / f"decision_points_{Path(scenario).name}.yaml"
    _write_text(out, candidates_yaml(cands))
    console.print(f"YAML snippet written to {out}")


@events_app.command("remap")
def remap_cmd(db: DbOpt = Path("brink.duckdb"), dictionary: DictOpt = "iran-2024") -> None:
    """Re-apply a changed actor dictionary to the stored events (adds or upgrades matches)."""
    from brink.events.dictionary import load_dictionary

    dic = load_dictionary(dictionary)
    with _store(db, must_exist=True) as store:
        n = store.remap(dic)
        left = len(store.unmapped())
    console.print(f"{n:,} event(s) re-mapped with {dic.path}; {left:,} unmapped name/code pair(s) left")


@events_app.command("unmapped")
def unmapped_cmd(db: DbOpt = Path("brink.duckdb"), limit: int = 50) -> None:
    """Names and codes in stored events that the actor dictionary did not map."""
    if limit < 0:
        from brink.errors import BrinkError

        raise BrinkError(f"--limit {limit}: must be a whole number >= 0")
    with _store(db, read_only=True) as store:
        df = store.unmapped()
    if df.empty:
        console.print("every stored event's sides are mapped to scenario actors")
        return
    t = Table(title=f"Unmapped actor names/codes ({len(df)})")
    for c in ("side", "name", "code", "events", "first", "last"):
        t.add_column(c)
    for r in df.head(limit).itertuples():
        t.add_row(r.side, _s(r.name), _s(r.code), f"{r.events:,}", f"{r.first:%Y-%m-%d}",
                  f"{r.last:%Y-%m-%d}")
    console.print(t)


@events_app.command("info")
def info_cmd(db: DbOpt = Path("brink.duckdb")) -> None:
    """What the store holds: events by source, the imports made, bad rows recorded."""
    with _store(db, read_only=True) as store:
        by = store.sql("SELECT source, count(*) AS events, min(date) AS first, max(date) AS last, "
                       "count(*) FILTER (WHERE actor IS NULL OR target IS NULL) AS one_side_unmapped "
                       "FROM events GROUP BY source ORDER BY source")
        imps = store.imports()
    t = Table(title=f"{db}: {int(by['events'].sum()) if not by.empty else 0:,} events")
    for c in ("source", "events", "first", "last", "a side unmapped/empty"):
        t.add_column(c)
    for r in by.itertuples():
        t.add_row(r.source, f"{r.events:,}", f"{r.first:%Y-%m-%d}", f"{r.last:%Y-%m-%d}", f"{r.one_side_unmapped:,}")
    console.print(t)
    t = Table(title="Imports")
    for c in ("id", "source", "file", "records", "imported", "already", "bad", "seconds"):
        t.add_column(c)
    for r in imps.itertuples():
        t.add_row(str(r.import_id), r.source, str(r.file), f"{r.records:,}", f"{r.inserted:,}", f"{r.duplicates:,}",
                  f"{r.rejected:,}", f"{r.seconds:.2f}")
    console.print(t)


@events_app.command("dictionary")
def dictionary_cmd(
    name: Annotated[str, typer.Argument(help="a scenario (its events/dictionary.yaml) or a dictionary YAML file")] = "iran-2024",
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", help="check actor ids and fronts against this scenario (default: the dictionary's own)"),
    ] = None,
) -> None:
    """Validate an actor dictionary (errors name file, line and field) and summarise it."""
    from brink.events.dictionary import load_dictionary, served_scenario

    dic = load_dictionary(name, scenario=scenario or served_scenario(name))
    keys = dic.key_rows()
    console.print(f"{dic.path}: {len(dic.actors)} actors, {len(keys)} keys "
                  f"({', '.join(f'{k} {n}' for k, n in keys['kind'].value_counts().items())}), "
                  f"{len(dic.fronts)} front rules - valid")
