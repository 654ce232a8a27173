"""Tables as CSV and Markdown (claims tables, Table I, study tables)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hwiloc.io.atomic import atomic_path


def to_markdown(df: pd.DataFrame, title: str | None = None, preamble: str | None = None) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency), after its title and a
    paragraph ``preamble`` (e.g. a claims table's headline) if given."""

    def cell(v) -> str:
        if isinstance(v, float):
            return f"{v:.4g}"
        return str(v).replace("|", "\\|")

    lines = [f"# {title}", ""] if title else []
    lines += [preamble, ""] if preamble else []
    lines.append("| " + " | ".join(df.columns) + " |")
    lines.append("|" + "|".join("---" for _ in df.columns) + "|")
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def write_text(path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a failed run leaves no half-written file)."""
    with atomic_path(Path(path)) as tmp, open(tmp, "w") as fh:
        fh.write(text)


def write_table(
    df: pd.DataFrame, csv_path, md_path, title: str | None = None, preamble: str | None = None
) -> None:
    """Write a table as CSV and Markdown (:func:`to_markdown`), each atomically."""
    write_text(csv_path, df.to_csv(index=False))
    write_text(md_path, to_markdown(df, title, preamble))
