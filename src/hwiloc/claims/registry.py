"""Claims of a paper as data, graded verdicts, and the registry that computes each value.

Each paper's claims live in one YAML file (``config/claims/<paper>.yaml``,
schema ``workflow/schemas/claims.schema.yaml``): per claim an id, the
statement as the paper words it, its source, the stated value and unit, the
comparison, the tolerance and why (the precision the paper states the value
with), and the assumed config values it depends on. Each paper's claims
module (``hwiloc.papers.<paper>.claims``) registers one function per claim id
(:func:`register`); :func:`evaluate` computes every
claim of a file by its id and grades it:

- ``reproduced``: within the stated precision (the tolerance),
- ``trend``: the direction is right and the value within ``trend_factor``
  of the stated one (the same order of magnitude), but outside the precision,
- ``not reproduced``: otherwise; the row then carries the claim's one-line
  ``if_unmet`` reason;
- ``not graded``: a variant reported beside the graded one (e.g. the form of
  eq. (18) that the fit did not select).

Every claim also says what kind of check it is (``evidence``, :data:`EVIDENCE`):
``independent`` (a stated value, checked with nothing fitted to it),
``fitted`` (an unknown was set from it: not evidence; its misfit is the fit
residual), ``structural`` (holds by construction; the file gives the one-line
proof and a test checks it), ``untestable`` (the tested quantity is an input of
the emulator or the setup), ``infeasible`` (no admissible value of the unknowns
satisfies it; one-line proof, and a test scans for it) or ``extra`` (our own
check, not a statement of the paper). Only independent rows count as
reproduced (:func:`headline`).

A tolerance is never wider than the effect the claim is about (checked when
the file is loaded).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from jsonschema import Draft202012Validator

SCHEMA = Path(__file__).resolve().parents[3] / "workflow" / "schemas" / "claims.schema.yaml"
LEVELS = ("reproduced", "trend", "not reproduced")
UNGRADED = "not graded"
EMULATED = "emulated"
"""The verdict of an ``untestable`` row: it tests an input of the emulator or the setup, so it
gets no verdict of the paper's; its reason says what the grade would be."""
BAND_COLUMNS = ("median", "p05", "p95", "num_draws", "within_precision")
"""Columns of a random value's distribution in claims.csv (NaN and 0 draws otherwise)."""
EVIDENCE = ("independent", "fitted", "structural", "untestable", "infeasible", "extra")
"""The kinds of check a claim row is; only ``independent`` rows are evidence."""


class ClaimsError(ValueError):
    """A claims file does not follow its schema or its rules."""


@dataclass(frozen=True, kw_only=True)
class ClaimSpec:
    """One claim of a paper as written in its claims file.

    Attributes
    ----------
    id : str
        Identifier the library computes the value by.
    statement : str
        The claim as the paper words it.
    source : str
        Section, figure, equation.
    stated : float
        The paper's value (for a comparison ``at_least``/``at_most``, the bound). [unit]
    unit : str
    comparison : {"equal", "at_least", "at_most"}
    tolerance : float
        Half-width of the stated precision (``equal``) or slack on the bound. [unit]
    tolerance_why : str
        Why that precision (its last digit, what a figure lets one read).
    effect : float
        Size of the effect the claim is about (the tolerance must be smaller). [unit]
    scale : {"linear", "db"}
        How ``trend_factor`` compares values: as they are, or as powers (dB).
    trend_factor : float
        A value within this factor of the stated one (same sign) is a ``trend``. [-]
    depends_on : list of str
        Config keys (dotted) of the assumed values the claim depends on.
    if_unmet : str
        One line: why the model may not reach the stated value.
    evidence : str
        The kind of check (:data:`EVIDENCE`).
    evidence_why : str
        One line: what was fitted to it, the proof that it holds by construction
        or cannot hold, which input it tests, or why it is our own (required
        unless ``independent``).
    evidence_measured : str
        The kind of check on measured captures, where ``evidence`` is the one on
        the emulator's (default: the same).
    if_unmet_measured, evidence_why_measured : str
        ``if_unmet`` and ``evidence_why`` on measured captures, where those speak of the
        emulator (default: ``if_unmet``; ``evidence_why``, or none for an independent row).
    no_effect : float
        The value the claim's quantity takes without the effect it is about (1
        for a ratio, 0 for a difference): a ``trend`` lies on the stated side of
        it. [unit]
    trend : bool
        Whether the claim has a trend band at all (an absolute level, stated to
        its last digit, has none). [-]
    """

    id: str
    statement: str
    source: str
    stated: float
    unit: str
    comparison: str
    tolerance: float
    tolerance_why: str
    effect: float
    scale: str = "linear"
    trend_factor: float = 10**0.5
    depends_on: tuple[str, ...] = ()
    if_unmet: str = ""
    evidence: str = "independent"
    evidence_why: str = ""
    evidence_measured: str = ""
    if_unmet_measured: str = ""
    evidence_why_measured: str = ""
    no_effect: float | None = None
    trend: bool = True

    def evidence_for(self, measured_data: bool) -> str:
        """The kind of check on measured captures (``measured_data``) or the emulator's."""
        return (self.evidence_measured or self.evidence) if measured_data else self.evidence

    def if_unmet_for(self, measured_data: bool) -> str:
        """Why the claim may be unmet, on measured captures or the emulator's."""
        return (self.if_unmet_measured or self.if_unmet) if measured_data else self.if_unmet

    def evidence_why_for(self, measured_data: bool) -> str:
        """What the evidence class rests on, on measured captures or the emulator's: a row that
        is independent on measured data says nothing of the emulator there."""
        if not measured_data:
            return self.evidence_why
        if self.evidence_why_measured:
            return self.evidence_why_measured
        return "" if self.evidence_for(True) == "independent" else self.evidence_why

    @property
    def reference_value(self) -> float:
        """The value without the effect: ``no_effect``, else 1 for a ratio (unit ``x``), or 0."""
        if self.no_effect is not None:
            return float(self.no_effect)
        return 1.0 if self.unit.split()[0] == "x" else 0.0

    @property
    def criterion(self) -> str:
        """The reproduced band in words."""
        t, s, u = self.tolerance, self.stated, self.unit
        if self.comparison == "equal":
            return f"{s:g} ± {t:g} {u}"
        op = ">=" if self.comparison == "at_least" else "<="
        bound = s - t if self.comparison == "at_least" else s + t
        return f"{op} {bound:g} {u}"

    def grade(self, value: float) -> str:
        """Verdict level of a reproduced ``value``."""
        v, s, t = float(value), self.stated, self.tolerance
        if math.isnan(v):
            return "not reproduced"
        if self.comparison == "equal":
            if abs(v - s) <= t:
                return "reproduced"
        elif self.comparison == "at_least":
            if v >= s - t:
                return "reproduced"
        elif v <= s + t:
            return "reproduced"
        return self._trend_or_not(v)

    def _trend_or_not(self, v: float) -> str:
        trend = self.trend and self._right_direction(v) and self._within_factor(v)
        return "trend" if trend else "not reproduced"

    def grade_draws(self, draws) -> tuple[str, dict]:
        """Verdict of a random value from its draws, and the band: (level, {median, p05, p95,
        num_draws, within_precision}).

        ``reproduced`` when the stated value within its precision lies inside the
        5-95 % band of the draws (nearest-rank quantiles, so that an infinite
        draw stays one), else ``trend`` or not by the median. ``within_precision``
        is the share of draws that would each be reproduced. [-]
        """
        x = np.asarray(draws, dtype=float).ravel()
        if x.size == 0 or np.isnan(x).any():
            band = {"median": np.nan, "p05": np.nan, "p95": np.nan, "num_draws": int(x.size),
                    "within_precision": np.nan}  # fmt: skip
            return "not reproduced", band
        lo, median, hi = np.quantile(x, [0.05, 0.5, 0.95], method="nearest")
        band = {
            "median": float(median),
            "p05": float(lo),
            "p95": float(hi),
            "num_draws": int(x.size),
            "within_precision": float(np.mean([self.grade(v) == "reproduced" for v in x])),
        }
        s, t = self.stated, self.tolerance
        if self.comparison == "equal":
            inside = s - t <= hi and s + t >= lo
        elif self.comparison == "at_least":
            inside = hi >= s - t
        else:
            inside = lo <= s + t
        return ("reproduced" if inside else self._trend_or_not(float(median))), band  # fmt: skip

    def _right_direction(self, v: float) -> bool:
        """On the stated side of the value without the effect (:attr:`reference_value`).

        An ``at_least`` ratio claim below 1 is never a trend, nor an ``equal``
        one on the other side of 1; a claim stated at the value without the
        effect (``coincide``) and an ``at_most`` claim (the effect is small) have
        no wrong side.
        """
        ref = self.reference_value
        if self.comparison == "at_most" or self.stated == ref:
            return True
        return (v - ref) * (self.stated - ref) > 0

    def misfit(self, value: float) -> float:
        """Distance of ``value`` from the claim in decades (0 inside the reproduced band). [-]

        |log10(value / stated)| for ``equal`` (dB values compared as powers),
        the one-sided version for ``at_least``/``at_most``; 3 (three decades)
        for a value of the wrong sign, zero where it should not be, or NaN.
        """
        if self.grade(value) == "reproduced":
            return 0.0
        v, s = float(value), self.stated
        if self.scale == "db":
            v, s = 10 ** (v / 10), 10 ** (s / 10)
        if math.isnan(v) or v == 0 or s == 0 or (v > 0) != (s > 0):
            return 3.0
        if math.isinf(v):
            return 3.0 if self.comparison != "at_least" else 0.0
        d = math.log10(v / s)
        if self.comparison == "at_least":
            d = max(0.0, -d)
        elif self.comparison == "at_most":
            d = max(0.0, d)
        return min(abs(d), 3.0)

    def _within_factor(self, v: float) -> bool:
        s = self.stated
        if self.scale == "db":
            v, s = 10 ** (v / 10), 10 ** (s / 10)
        if not math.isfinite(v) or v == 0 or s == 0 or (v > 0) != (s > 0):
            return False
        ratio = v / s
        f = self.trend_factor
        if self.comparison == "at_least":
            return ratio >= 1 / f
        if self.comparison == "at_most":
            return ratio <= f
        return 1 / f <= ratio <= f


@dataclass(frozen=True)
class ClaimsFile:
    """A paper's claims file: the paper, its reference and its claims in order."""

    paper: str
    reference: str
    claims: tuple[ClaimSpec, ...] = field(default_factory=tuple)

    def by_id(self, claim_id: str) -> ClaimSpec:
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(f"no claim {claim_id!r} in the {self.paper} claims file")


def load_claims(path: str | Path, schema: str | Path = SCHEMA) -> ClaimsFile:
    """Read and check a claims file; every problem reported at once (:class:`ClaimsError`)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise ClaimsError(f"claims file {path}: cannot read it ({error})") from None
    validator = Draft202012Validator(yaml.safe_load(Path(schema).read_text()))
    problems = [
        f"claims file {path}: '{'.'.join(map(str, e.absolute_path)) or '<top level>'}': {e.message}"
        for e in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        raise ClaimsError("\n".join(problems))
    defaults = data.get("defaults", {})
    specs, seen = [], set()
    for entry in data["claims"]:
        spec = ClaimSpec(
            **{
                **{k: v for k, v in defaults.items()},
                **{k: v for k, v in entry.items() if k != "depends_on"},
                "depends_on": tuple(entry.get("depends_on", ())),
                "stated": float(entry["stated"]),
                "tolerance": float(entry["tolerance"]),
                "effect": float(entry["effect"]),
                **({"no_effect": float(entry["no_effect"])} if "no_effect" in entry else {}),
            }
        )
        if spec.evidence != "independent" and not spec.evidence_why.strip():
            problems.append(
                f"claims file {path}: claim {spec.id!r}: evidence {spec.evidence!r} needs "
                "evidence_why (what was fitted to it, the proof, or the input it tests)"
            )
        if spec.id in seen:
            problems.append(f"claims file {path}: claim id {spec.id!r} appears twice")
        seen.add(spec.id)
        if not spec.tolerance < abs(spec.effect):
            problems.append(
                f"claims file {path}: claim {spec.id!r}: tolerance {spec.tolerance:g} "
                f"{spec.unit} is not smaller than the effect {spec.effect:g} {spec.unit} it is "
                "about; expected a tolerance from the stated precision"
            )
        specs.append(spec)
    if problems:
        raise ClaimsError("\n".join(problems))
    return ClaimsFile(data["paper"], data["reference"], tuple(specs))


# --- registry: the library computes each claim's value by id -------------------------------
@dataclass(frozen=True)
class Measured:
    """A reproduced value with its note, for one variant of a claim ('' if only one).

    ``graded=False`` reports a variant beside the graded one without a verdict
    (e.g. the form of eq. (18) that the fit did not select). ``draws``: the
    value over independent draws (hardware, offsets, noise), each from its own
    seed, for a value that depends on a random draw: it is then graded on
    their distribution (:meth:`ClaimSpec.grade_draws`), and ``value`` is the
    shipped draw or the statistic the note names.
    """

    value: float
    note: str = ""
    variant: str = ""
    graded: bool = True
    draws: tuple | None = None


_REGISTRY: dict[str, dict[str, Callable]] = {}


def register(paper: str, claim_id: str, **arguments):
    """Decorator: ``fn(inputs, **arguments) -> float | Measured | list[Measured]`` computes it.

    Stack it to register one function under several ids with their own arguments.
    """

    def wrap(fn):
        _REGISTRY.setdefault(paper, {})[claim_id] = partial(fn, **arguments) if arguments else fn
        return fn

    return wrap


def claims_module(paper: str) -> str | None:
    """The module whose import registers the claim functions of ``paper``:
    ``papers/<paper>/claims``, or for a study beyond the papers whose claims file bears its
    name (``config/claims/<study>.yaml``) the study's module ``studies/<name>``; None
    when there is neither."""
    import importlib.util

    if importlib.util.find_spec(f"hwiloc.papers.{paper}") is not None:
        return f"hwiloc.papers.{paper}.claims"
    if importlib.util.find_spec(f"hwiloc.studies.{paper}") is not None:
        return f"hwiloc.studies.{paper}"
    return None


def registered(paper: str) -> dict[str, Callable]:
    """Claim id -> function of the paper (importing its claims module registers them).

    The module is found by name (:func:`claims_module`), so the registry imports
    no paper itself; a paper without a package or study module has no functions.
    """
    import importlib

    module = claims_module(paper)
    if module is not None:
        importlib.import_module(module)
    return dict(_REGISTRY.get(paper, {}))


def check_registry(claims_file: ClaimsFile) -> None:
    """Every claim of the file has a function and every function a claim."""
    functions = registered(claims_file.paper)
    ids = [c.id for c in claims_file.claims]
    missing = sorted(set(ids) - set(functions))
    unused = sorted(set(functions) - set(ids))
    problems = []
    if missing:
        problems.append(
            f"{claims_file.paper} claims file: no function computes claim(s) {missing}; "
            f"known ids are {sorted(functions)}"
        )
    if unused:
        problems.append(f"{claims_file.paper} claims file: computed claim(s) {unused} are missing")
    if problems:
        raise ClaimsError("\n".join(problems))


NUM_RESAMPLES = 1000
"""Bootstrap resamples of a claim's noise draws (seeded: the band is reproducible)."""


def bootstrap_picks(num_draws: int, num_resamples: int = NUM_RESAMPLES) -> np.ndarray:
    """Indices of the draws as drawn, then of ``num_resamples`` seeded bootstrap resamples
    of them (with replacement), [1 + resamples, num_draws]: a statistic over the draws,
    taken along each row, gives its value (row 0) and its bootstrap band (the rest). [-]"""
    rng = np.random.default_rng(0)
    resampled = rng.integers(0, num_draws, (num_resamples, num_draws))
    return np.concatenate([np.arange(num_draws)[None], resampled])


def measure(paper: str, claim_id: str, inputs) -> list[Measured]:
    """The reproduced value(s) of one claim, computed by its id."""
    out = registered(paper)[claim_id](inputs)
    if isinstance(out, Measured):
        return [out]
    if isinstance(out, list):
        return out
    return [Measured(float(out))]


def evaluate(claims_file: ClaimsFile, inputs, ids=None, measured_data: bool = False):
    """Compute and grade every claim (or those in ``ids``): one row per claim variant.

    Columns: id, statement, source, evidence (:data:`EVIDENCE`; on measured
    captures if ``measured_data``), stated, unit, criterion, reproduced (the
    median for a random value), median, p05, p95 (the 5-95 % band of its
    draws; NaN for a value that is not random), num_draws, within_precision,
    verdict, misfit_decade (:meth:`ClaimSpec.misfit`: for a fitted row the fit
    residual), reason (the claim's ``if_unmet`` where unmet), evidence_why,
    depends_on, note. Returns a pandas DataFrame.
    """
    check_registry(claims_file)
    rows = []
    for spec in claims_file.claims:
        if ids is not None and spec.id not in ids:
            continue
        for m in measure(claims_file.paper, spec.id, inputs):
            band = dict.fromkeys(BAND_COLUMNS, np.nan) | {"num_draws": 0}
            if m.draws is not None:
                verdict, band = spec.grade_draws(m.draws)
                value = band["median"]
            else:
                verdict, value = spec.grade(m.value), float(m.value)
            verdict = verdict if m.graded else UNGRADED
            reason = {"reproduced": "", UNGRADED: "reported beside the graded variant"}
            evidence = spec.evidence_for(measured_data)
            if evidence == "untestable" and verdict != UNGRADED:  # it tests an input: no verdict
                reason[EMULATED] = (f"the value tests an input of the emulator or the setup; "
                                    f"graded, it would be '{verdict}'")  # fmt: skip
                verdict = EMULATED
            rows.append(
                {
                    "id": spec.id + (f"[{m.variant}]" if m.variant else ""),
                    "statement": spec.statement,
                    "source": spec.source,
                    "evidence": evidence,
                    "stated": spec.stated,
                    "unit": spec.unit,
                    "criterion": spec.criterion,
                    "reproduced": value,
                    **band,
                    "verdict": verdict,
                    "misfit_decade": spec.misfit(value),
                    "reason": reason.get(verdict, spec.if_unmet_for(measured_data)),
                    "evidence_why": spec.evidence_why_for(measured_data),
                    "depends_on": ", ".join(spec.depends_on),
                    "note": m.note,
                }
            )
    return pd.DataFrame(rows)


def verdict_counts(table: pd.DataFrame) -> dict[str, int]:
    """Rows per verdict level, over the independent graded rows only (the evidence)."""
    evidence = table[table["evidence"] == "independent"]
    return {level: int((evidence["verdict"] == level).sum()) for level in LEVELS}


def headline(table: pd.DataFrame, paper: str) -> str:
    """ "<paper>: k of n independent checks reproduced (t trend, m not)", then the other rows
    counted by class: what a claims table says first."""
    counts = verdict_counts(table)
    n = sum(counts.values())
    line = (f"{paper}: {counts['reproduced']} of {n} independent checks reproduced "
            f"({counts['trend']} trend, {counts['not reproduced']} not).")  # fmt: skip
    graded = table[table["verdict"] != UNGRADED]
    others = [f"{int((graded['evidence'] == e).sum())} {e}" for e in EVIDENCE[1:]
              if (graded["evidence"] == e).any()]  # fmt: skip
    if others:
        line += f" Other rows, not evidence: {', '.join(others)}."
    ungraded = int((table["verdict"] == UNGRADED).sum())
    if ungraded:
        line += f" {ungraded} variant row(s) reported beside the graded one, not graded."
    return line


def write_claims_table(table: pd.DataFrame, csv_path, md_path, paper: str, title: str) -> None:
    """claims.csv and claims.md (the headline first, then the table), each atomically."""
    from hwiloc.reporting import write_table

    write_table(table, csv_path, md_path, title, preamble=headline(table, paper))


def claims_path(root: str | Path, paper: str) -> Path:
    """``config/claims/<paper>.yaml`` under the repository root."""
    return Path(root) / "config" / "claims" / f"{paper}.yaml"
