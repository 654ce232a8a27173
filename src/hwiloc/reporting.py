"""Tables: claims of a paper beside the reproduced values; CSV and Markdown output."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from hwiloc.io.atomic import atomic_path


@dataclass(frozen=True)
class Claim:
    """One quantitative statement of a paper and our value for it.

    ``holds`` is decided by the tolerance rule: ``factor`` (the reproduced
    value is within [stated / tolerance, stated * tolerance]), ``absolute``
    (|reproduced - stated| <= tolerance), ``at_least`` (reproduced >= stated)
    or ``at_most`` (reproduced <= stated).
    """

    claim: str
    source: str
    stated: float
    reproduced: float
    unit: str
    rule: str
    tolerance: float
    note: str = ""

    @property
    def holds(self) -> bool:
        r, s, t = self.reproduced, self.stated, self.tolerance
        if math.isnan(r):
            return False
        if self.rule == "factor":
            return s / t <= r <= s * t
        if self.rule == "absolute":
            return abs(r - s) <= t
        if self.rule == "at_least":
            return r >= s
        if self.rule == "at_most":
            return r <= s
        raise ValueError(f"unknown tolerance rule {self.rule!r}")

    @property
    def criterion(self) -> str:
        return {
            "factor": f"within a factor {self.tolerance:g}",
            "absolute": f"within ±{self.tolerance:g} {self.unit}",
            "at_least": f">= {self.stated:g} {self.unit}",
            "at_most": f"<= {self.stated:g} {self.unit}",
        }[self.rule]


def claims_frame(claims: list[Claim]) -> pd.DataFrame:
    """Claims as a table with the columns of claims.csv."""
    rows = []
    for c in claims:
        row = asdict(c)
        rows.append(
            {
                "claim": row["claim"],
                "source": row["source"],
                "stated": row["stated"],
                "reproduced": round(row["reproduced"], 4),
                "unit": row["unit"],
                "criterion": c.criterion,
                "holds": c.holds,
                "note": row["note"],
            }
        )
    return pd.DataFrame(rows)


def to_markdown(df: pd.DataFrame, title: str | None = None) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency)."""

    def cell(v) -> str:
        if isinstance(v, float):
            return f"{v:.4g}"
        return str(v).replace("|", "\\|")

    lines = [f"# {title}", ""] if title else []
    lines.append("| " + " | ".join(df.columns) + " |")
    lines.append("|" + "|".join("---" for _ in df.columns) + "|")
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def _atomic_write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp, open(tmp, "w") as fh:
        fh.write(text)


def write_table(df: pd.DataFrame, csv_path, md_path, title: str | None = None) -> None:
    """Write a table as CSV and Markdown, each atomically."""
    _atomic_write_text(Path(csv_path), df.to_csv(index=False))
    _atomic_write_text(Path(md_path), to_markdown(df, title))
