"""Candidate scenes from a CSV: a hook describing the table, one chart per numeric column's finding."""

from __future__ import annotations

from pathlib import PurePosixPath

from reelforge.explainer.candidates import Candidate, trim_words
from reelforge.explainer.sources import Source, nothing_to_explain
from reelforge.explainer.tabular import findings, numeric_columns, read_table


def data_candidates(source: Source) -> tuple[str, list[Candidate]]:
    file = source.files[0]
    table = read_table(file.text, file=str(source.path))
    numeric = numeric_columns(table)
    found = findings(table)
    if not found:
        raise nothing_to_explain(source.path, "no numeric column with at least two values to chart")
    stem = PurePosixPath(file.rel).stem.replace("_", " ").replace("-", " ").strip() or "data"
    title = f"What {stem} shows"
    cols = table.columns
    listed = ", ".join(cols[:5]) + (f" and {len(cols) - 5} more" if len(cols) > 5 else "")
    hook = (f"This table has {len(table.rows)} rows and {len(cols)} columns: {listed}. "
            f"{len(numeric)} of them {'holds' if len(numeric) == 1 else 'hold'} numbers.")
    out = [Candidate(kind="slide", ref=file.rel, narration=hook, score=100.0, order=0.0, pinned=True,
                     on_screen=[title, f"{len(table.rows)} rows · {len(cols)} columns",
                                *[f"`{c}`" for c in cols[:6]]])]
    for i, finding in enumerate(found, start=1):
        out.append(Candidate(kind="chart", ref=f"{file.rel}:{finding.column}", narration=" ".join(finding.sentences),
                             on_screen=[finding.column, trim_words(finding.sentences[0], 14)],
                             score=finding.score, order=float(i)))
    return title, out
