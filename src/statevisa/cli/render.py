"""Rendering for the terminal: tables in three formats, and explanation trees.

The core and the services return data; this is where it becomes text. `emit` writes a
list of records as a Rich table for people (ids never wrap), or CSV or JSON for scripts,
chosen by ``--format``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

import click

from statevisa.cli.common import stdout
from statevisa.cli.params import Choice
from statevisa.rules.explain import Trace, TraceKind, show

if TYPE_CHECKING:
    from rich.tree import Tree


def escape(text: str) -> str:
    """Rich markup escaping, importing Rich only when something is rendered."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


format_option = click.option(
    "--format",
    "fmt",
    type=Choice(Format, case_sensitive=False),
    default=Format.table,
    help="table for people; csv or json for scripts.",
)
"""`--format table|csv|json`, passed to the command as `fmt`."""


def emit(
    records: Sequence[Mapping[str, object]],
    columns: Sequence[str],
    fmt: Format,
    *,
    title: str | None = None,
    keep_whole: Sequence[str] = (),
) -> None:
    """Write `records` (one mapping per row, keys `columns`) in the chosen format on stdout."""
    if fmt is Format.json:
        click.echo(
            json.dumps([{c: r.get(c) for c in columns} for r in records], indent=2, ensure_ascii=False)
        )
        return
    if fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if r.get(c) is None else r.get(c) for c in columns] for r in records])
        click.echo(buffer.getvalue(), nl=False)
        return
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        whole = column in keep_whole
        table.add_column(column, no_wrap=whole, min_width=_widest(records, column) if whole else None)
    for record in records:
        table.add_row(*(escape("" if record.get(c) is None else str(record.get(c))) for c in columns))
    stdout.print(table)


def _widest(records: Sequence[Mapping[str, object]], column: str) -> int:
    return max([len(column), *(len(str(r.get(column) or "")) for r in records)])


def label(trace: Trace) -> str:
    """One node of the rendered tree: the value first, then why, then the source."""
    head = f"[bold]{escape(trace.name)}[/bold] = [cyan]{escape(show(trace.value))}[/cyan]"
    match trace.kind:
        case TraceKind.RULE:
            about = f"  {escape(trace.description)}" if trace.description else ""
            return f"{head}{about}\n[dim]= {escape(trace.formula or '')}   {escape(f'[{trace.cite}]')}[/dim]"
        case TraceKind.INPUT:
            origin = f", {escape(trace.cite)}" if trace.cite else ""
            return f"{head}  [dim](input{origin})[/dim]"
        case TraceKind.PARAMETER:
            detail = f"  [dim]from[/dim] {escape(trace.detail)}" if trace.detail else ""
            status = trace.status if trace.status and trace.status != "confirmed" else ""
            flag = f", [yellow]{escape(status)}[/yellow]" if status else ""
            return (
                f"{head}{detail}\n[dim]parameter in force {escape(trace.in_force or '')}"
                f"   {escape(f'[{trace.cite}]')}[/dim]{flag}"
            )


def render(trace: Trace, tree: Tree | None = None) -> Tree:
    """Build a Rich tree for `trace` (and attach it to `tree` when given)."""
    from rich.tree import Tree

    node = Tree(label(trace)) if tree is None else tree.add(label(trace))
    for child in trace.children:
        render(child, node)
    return node


def roots(traces: Sequence[Trace]) -> list[Trace]:
    """The outputs no other output already explains (score explains core, spouse, ...)."""
    inside: set[str] = set()
    stack = [child for trace in traces for child in trace.children]
    while stack:
        node = stack.pop()
        inside.add(node.name)
        stack.extend(node.children)
    return [trace for trace in traces if trace.name not in inside]
