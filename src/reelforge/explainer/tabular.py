"""Read a CSV/TSV and state what it shows: numeric columns, and per column its max, min and trend."""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from dataclasses import dataclass

from reelforge.errors import InvalidInputError

_NUMBER = re.compile(r"^[-+]?[$€£¥]?\s*[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?\s*%?$")


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    header_line: int = 1

    def column(self, name: str) -> list[str]:
        index = self.columns.index(name)
        return [r[index] if index < len(r) else "" for r in self.rows]


@dataclass(frozen=True)
class Series:
    name: str
    labels: list[str]  # x labels, one per kept row
    values: list[float]
    x_name: str
    x_numeric: bool


@dataclass(frozen=True)
class Finding:
    column: str
    sentences: list[str]
    score: float


def parse_number(text: str) -> float | None:
    cell = text.strip()
    if not cell or not _NUMBER.match(cell) or not re.search(r"\d", cell):
        return None
    try:
        value = float(re.sub(r"[,$€£¥%\s]", "", cell))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_table(text: str, *, file: str) -> Table:
    sample = text[:20000]
    delimiter = "\t" if file.lower().endswith(".tsv") else ","
    if delimiter == "," and sample.count(";") > sample.count(","):
        delimiter = ";"
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise InvalidInputError(f"source {file} has nothing to explain: it needs a header row and at least one "
                                "data row", hint="pass a CSV with a header line and data rows to --source",
                                file=file)
    header = [h.strip() or f"column {i + 1}" for i, h in enumerate(rows[0])]
    return Table(columns=header, rows=rows[1:])


def numeric_columns(table: Table) -> list[str]:
    out: list[str] = []
    for name in table.columns:
        cells = [c for c in table.column(name) if c.strip()]
        parsed = [parse_number(c) for c in cells]
        if cells and sum(v is not None for v in parsed) >= 0.8 * len(cells) and len(cells) >= 2:
            out.append(name)
    return out


def label_column(table: Table, numeric: list[str]) -> tuple[str, bool]:
    """The x axis: the first non-numeric column, else a first numeric column that only grows (a year, a step)."""
    for name in table.columns:
        if name not in numeric:
            return name, False
    first = table.columns[0]
    values = [parse_number(c) for c in table.column(first)]
    if len(numeric) > 1 and all(v is not None for v in values) and all(
            a < b for a, b in itertools.pairwise(values)):  # type: ignore[operator]
        return first, True
    return "", False


def series_for(table: Table, column: str) -> Series:
    numeric = numeric_columns(table)
    x_name, x_numeric = label_column(table, numeric)
    labels = table.column(x_name) if x_name else [str(i + 1) for i in range(len(table.rows))]
    kept_labels: list[str] = []
    values: list[float] = []
    for label, cell in zip(labels, table.column(column), strict=False):
        value = parse_number(cell)
        if value is not None:
            kept_labels.append(label.strip() or "?")
            values.append(value)
    return Series(name=column, labels=kept_labels, values=values, x_name=x_name or "row", x_numeric=x_numeric)


def fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    magnitude = abs(value)
    digits = 2 if magnitude >= 1 else 3
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def findings(table: Table) -> list[Finding]:
    numeric = numeric_columns(table)
    x_name, _ = label_column(table, numeric)
    out: list[Finding] = []
    for column in numeric:
        if column == x_name:
            continue
        s = series_for(table, column)
        if len(s.values) < 2:
            continue
        hi = max(range(len(s.values)), key=lambda i: (s.values[i], -i))
        lo = min(range(len(s.values)), key=lambda i: (s.values[i], i))
        where = "at row" if not x_name else ("in" if s.x_numeric else "for")
        spoken = column.replace("_", " ").strip()
        said = [f"{spoken} peaks at {fmt(s.values[hi])} {where} {s.labels[hi]}.",
                f"Its lowest value is {fmt(s.values[lo])} {where} {s.labels[lo]}."]
        first, last = s.values[0], s.values[-1]
        change = (last - first) / abs(first) * 100 if first else math.inf
        spread = (max(s.values) - min(s.values)) or 1.0
        if abs(last - first) < 0.05 * spread:
            said.append(f"From {s.labels[0]} to {s.labels[-1]} it ends about where it started, at {fmt(last)}.")
        else:
            verb = "rises" if last > first else "falls"
            pct = f", a change of {fmt(abs(round(change)))} percent" if math.isfinite(change) else ""
            said.append(f"From {s.labels[0]} to {s.labels[-1]} it {verb} from {fmt(first)} to {fmt(last)}{pct}.")
        mean = sum(s.values) / len(s.values)
        said.append(f"The average across {len(s.values)} rows is {fmt(round(mean, 3))}.")
        score = spread / (abs(mean) or 1.0) + len(s.values) / 1000
        out.append(Finding(column=column, sentences=said, score=score))
    return out
