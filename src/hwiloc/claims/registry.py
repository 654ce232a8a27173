"""Claims of a paper as data, graded verdicts, and the registry that computes each value.

Each paper's claims live in one YAML file (``config/claims/<paper>.yaml``,
schema ``workflow/schemas/claims.schema.yaml``): per claim an id, the
statement as the paper words it, its source, the stated value and unit, the
comparison, the tolerance and why (the precision the paper states the value
with), and the assumed config values it depends on. Each paper's claims
module (``hwiloc.papers.<paper>.claims``) registers one function per claim id
(:func:`register`); :func:`evaluate` computes every
claim of a file by its id and grades it:

- ``reproduced``: within the stated precision (the tolerance: half a unit of
  the last digit the paper states, on the quantity's natural scale: a dB value
  in dB, a ratio in log, a count exactly; one-sided for ``at_least`` and
  ``at_most``). A random value (its draws) is reproduced when its median is
  and at least half of its draws are;
- ``trend``: outside the precision, but on the stated side of the value
  without the effect (:attr:`ClaimSpec.reference_value`); a claim of no effect
  (stated at that value, or ``at_most``) and an absolute level (``trend:
  false``) have none;
- ``not reproduced``: otherwise; the row then carries the claim's one-line
  ``if_unmet`` reason;
- ``not graded``: a variant reported beside the graded one (e.g. the form of
  eq. (18) that the fit did not select).

A passing qualitative row proves it could have failed: its function gives a
witness (:attr:`Measured.witness`), an admissible alternative (an unknown within
its documented range, a model form the paper's words leave open, a level or a
geometry the paper does not fix) and the value the row takes there, which must
grade ``not reproduced`` (columns ``could_fail_under``, ``value_there``,
``verdict_there``). A qualitative row that no admissible alternative can fail is
``structural``.

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
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from jsonschema import Draft202012Validator

from hwiloc.config import read_yaml

SCHEMA = Path(__file__).resolve().parents[3] / "workflow" / "schemas" / "claims.schema.yaml"
LEVELS = ("reproduced", "trend", "not reproduced")
UNGRADED = "not graded"
EMULATED = "emulated"
"""The verdict of an ``untestable`` row: it tests an input of the emulator or the setup, so it
gets no verdict of the paper's; its reason says what the grade would be."""
BAND_COLUMNS = ("median", "p05", "p95", "num_draws", "within_precision")
"""Columns of a random value's distribution in claims.csv (NaN and 0 draws otherwise)."""
WITNESS_COLUMNS = ("could_fail_under", "value_there", "verdict_there")
"""Columns of a row's witness in claims.csv: the admissible alternative, the value the row
takes there and its verdict there (empty and NaN for a row without one)."""
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
        How :meth:`misfit` measures a distance: as the values are, or as powers (dB).
    kind : {"qualitative", "number", "data"}
        ``number``: the paper states the value itself (from fully stated inputs or a
        reading it prints); its tolerance is half of ``last_digit``. ``data``: compared
        with the authors' own saved data, within the agreement ``tolerance_why`` states.
        ``qualitative``: a relation the paper words ("exceeds", "levels off",
        "coincide"), with the threshold its reading takes; a passing independent one
        carries a witness. A number or data row needs none: it fails whenever the value
        differs.
    last_digit : float
        The unit of the last digit the paper states of a ``number`` (1 for "30",
        0.01 for "16.67"). [unit]
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
    kind: str = "qualitative"
    last_digit: float | None = None
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
        if self.comparison == "equal" and self.is_ratio and self.kind == "qualitative" and s > 0:
            return f"{s:g} {u} within a factor {1 + t / s:.4g} (log)"
        if self.comparison == "equal":
            return f"{s:g} ± {t:g} {u}"
        op = ">=" if self.comparison == "at_least" else "<="
        bound = s - t if self.comparison == "at_least" else s + t
        return f"{op} {bound:g} {u}"

    @property
    def is_ratio(self) -> bool:
        """A ratio (unit ``x``): its precision is taken in log."""
        return self.unit.split()[0] == "x"

    def within_precision(self, value: float) -> bool:
        """``value`` lies within the stated precision, on the natural scale (one-sided for a
        bound): a number the paper prints within s +- t (what rounds to its digits; dB in
        dB, a count exactly), a ratio read off a log axis (``qualitative``) within
        s / (1 + t / s) .. s (1 + t / s)."""
        v, s, t = float(value), self.stated, self.tolerance
        if math.isnan(v):
            return False
        if self.comparison == "at_least":
            return v >= s - t
        if self.comparison == "at_most":
            return v <= s + t
        if self.is_ratio and self.kind == "qualitative" and s > 0:
            return v > 0 and abs(math.log(v / s)) <= math.log1p(t / s)
        return abs(v - s) <= t

    def grade(self, value: float) -> str:
        """Verdict level of a reproduced ``value`` (one value, not random)."""
        return "reproduced" if self.within_precision(value) else self._trend_or_not(value)

    def _trend_or_not(self, v: float) -> str:
        trend = self.trend and self._right_direction(float(v))
        return "trend" if trend else "not reproduced"

    def grade_draws(self, draws) -> tuple[str, dict]:
        """Verdict of a random value from its draws, and the band: (level, {median, p05, p95,
        num_draws, within_precision}).

        ``reproduced`` when the median (nearest rank, so that an infinite draw stays one)
        lies within the precision and at least half of the draws do (``within_precision``,
        the share of draws that would each be reproduced); else ``trend`` or not by the
        median. p05 and p95 are the 5-95 % band.
        """
        x = np.asarray(draws, dtype=float).ravel()
        if x.size == 0 or np.isnan(x).any():
            band = {"median": np.nan, "p05": np.nan, "p95": np.nan, "num_draws": int(x.size),
                    "within_precision": np.nan}  # fmt: skip
            return "not reproduced", band
        lo, median, hi = np.quantile(x, [0.05, 0.5, 0.95], method="nearest")
        share = float(np.mean([self.within_precision(v) for v in x]))
        band = {"median": float(median), "p05": float(lo), "p95": float(hi),
                "num_draws": int(x.size), "within_precision": share}  # fmt: skip
        return self.grade_median(float(median), share), band

    def grade_median(self, median: float, share: float) -> str:
        """The verdict of a random value from its median and the share of its draws within
        the precision (:meth:`grade_draws`); ``share`` NaN: a value that is not random."""
        if self.within_precision(median) and (math.isnan(share) or share >= 0.5):
            return "reproduced"
        return self._trend_or_not(median)

    def _right_direction(self, v: float) -> bool:
        """On the stated side of the value without the effect (:attr:`reference_value`).

        An ``at_least`` ratio claim below 1 is never a trend, nor an ``equal`` one on
        the other side of 1. A claim of no effect, stated at the value without it
        (``coincide``) or bounding the effect from above (``at_most``), has no side:
        outside its precision it is not reproduced.
        """
        ref = self.reference_value
        if self.comparison == "at_most" or self.stated == ref or math.isnan(v):
            return False
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
        data = read_yaml(path)
    except (OSError, yaml.YAMLError) as error:
        raise ClaimsError(f"claims file {path}: cannot read it ({error})") from None
    validator = Draft202012Validator(read_yaml(schema))
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
                **({"last_digit": float(entry["last_digit"])} if "last_digit" in entry else {}),
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
        if spec.kind == "number" and (
            spec.last_digit is None or not math.isclose(spec.tolerance, spec.last_digit / 2)
        ):
            problems.append(
                f"claims file {path}: claim {spec.id!r}: a number the paper states is graded at "
                f"half a unit of its last digit: expected last_digit and tolerance = "
                f"last_digit / 2, got last_digit {spec.last_digit!r}, tolerance "
                f"{spec.tolerance:g}"
            )
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
    shipped draw or the statistic the note names. ``independent_draws``: how many
    independent draws stand behind ``draws`` when those are resampled (a bootstrap of
    100 trials is 100 draws), reported as ``num_draws``. ``witness``: (what was changed,
    and to what; the value there), the admissible alternative under which the row
    would fail (computed, never written by hand), or a list of such candidates, of
    which the table reports the one the row fails worst under (:func:`worst_witness`).
    A paper's inputs that carry ``witnesses`` (a dataset of ``row``, ``alternative``
    and ``value`` over ``case``) add them to the candidates of every row they name
    (:func:`measure`).
    ``evidence``: (class, why) of this
    variant where it differs from its claim's (e.g. a reading beyond the paper's, ``extra``).
    """

    value: float
    note: str = ""
    variant: str = ""
    graded: bool = True
    draws: tuple | None = None
    independent_draws: int | None = None
    witness: tuple[str, float] | list[tuple[str, float]] | None = None
    evidence: tuple[str, str] | None = None

    @property
    def witness_candidates(self) -> list[tuple[str, float]]:
        """:attr:`witness` as a list of (alternative, value): empty, one, or several."""
        if self.witness is None:
            return []
        return [self.witness] if isinstance(self.witness, tuple) else list(self.witness)


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
    """The reproduced value(s) of one claim, computed by its id; with the witness
    candidates that ``inputs.witnesses`` holds for its rows, if any."""
    out = registered(paper)[claim_id](inputs)
    if isinstance(out, Measured):
        out = [out]
    elif not isinstance(out, list):
        out = [Measured(float(out))]
    table = getattr(inputs, "witnesses", None)
    if table is None:
        return out
    rows = [str(r) for r in table["row"].values]
    witnessed = []
    for m in out:
        row = claim_id + (f"[{m.variant}]" if m.variant else "")
        cases = [(str(table["alternative"].values[i]), float(table["value"].values[i]))
                 for i, r in enumerate(rows) if r == row]  # fmt: skip
        # the row's own candidates, then the table's
        witnessed.append(replace(m, witness=m.witness_candidates + cases) if cases else m)
    return witnessed


def worst_witness(spec: ClaimSpec, candidates) -> tuple[str, float] | None:
    """Of (alternative, value) ``candidates``, the one the claim fails worst under: a
    ``not reproduced`` before a ``trend`` before a ``reproduced``, then the largest misfit."""
    if not candidates:
        return None
    order = {"not reproduced": 0, "trend": 1, "reproduced": 2}
    return min(candidates, key=lambda c: (order[spec.grade(c[1])], -spec.misfit(c[1])))


def evaluate(claims_file: ClaimsFile, inputs, ids=None, measured_data: bool = False):
    """Compute and grade every claim (or those in ``ids``): one row per claim variant.

    Columns: id, statement, source, evidence (:data:`EVIDENCE`; on measured
    captures if ``measured_data``), kind, stated, unit, criterion, reproduced (the
    median for a random value), median, p05, p95 (the 5-95 % band of its
    draws; NaN for a value that is not random), num_draws (independent draws),
    within_precision (their share within the precision), verdict, could_fail_under,
    value_there, verdict_there (the witness: :data:`WITNESS_COLUMNS`), misfit_decade
    (:meth:`ClaimSpec.misfit` at the shipped values), reason (the claim's
    ``if_unmet`` where unmet), evidence_why, depends_on, note. Returns a pandas
    DataFrame.
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
                if m.independent_draws is not None:
                    band["num_draws"] = int(m.independent_draws)
            else:
                verdict, value = spec.grade(m.value), float(m.value)
            witness = dict.fromkeys(WITNESS_COLUMNS, np.nan) | {"could_fail_under": "",
                                                               "verdict_there": ""}  # fmt: skip
            chosen = worst_witness(spec, m.witness_candidates)
            if chosen is not None:
                witness = {"could_fail_under": chosen[0], "value_there": float(chosen[1]),
                           "verdict_there": spec.grade(chosen[1])}  # fmt: skip
            verdict = verdict if m.graded else UNGRADED
            reason = {"reproduced": "", UNGRADED: "reported beside the graded variant"}
            evidence = m.evidence[0] if m.evidence else spec.evidence_for(measured_data)
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
                    "kind": spec.kind,
                    "stated": spec.stated,
                    "unit": spec.unit,
                    "criterion": spec.criterion,
                    "reproduced": value,
                    **band,
                    "verdict": verdict,
                    **witness,
                    "misfit_decade": spec.misfit(value),
                    "reason": reason.get(verdict, spec.if_unmet_for(measured_data)),
                    "evidence_why": m.evidence[1] if m.evidence else spec.evidence_why_for(
                        measured_data),  # fmt: skip
                    "depends_on": ", ".join(spec.depends_on),
                    "note": m.note,
                }
            )
    return pd.DataFrame(rows)


def verdict_counts(table: pd.DataFrame, evidence: str = "independent") -> dict[str, int]:
    """Rows per verdict level, over the graded rows of one evidence class (by default the
    independent rows: the evidence)."""
    rows = table[table["evidence"] == evidence]
    return {level: int((rows["verdict"] == level).sum()) for level in LEVELS}


def headline(table: pd.DataFrame, paper: str) -> str:
    """What a claims table says first: "<paper>: independent rows k of n reproduced (t trend,
    m not); fitted targets a of b met; then the structural, untestable, infeasible and extra
    rows counted. A fitted row is met when it is reproduced at the shipped values; one the
    fit misses counts as failed."""
    counts = verdict_counts(table)
    n = sum(counts.values())
    parts = [f"independent rows {counts['reproduced']} of {n} reproduced ({counts['trend']} "
             f"trend, {counts['not reproduced']} not)"]  # fmt: skip
    fitted = verdict_counts(table, "fitted")
    if sum(fitted.values()):
        parts.append(f"fitted targets {fitted['reproduced']} of {sum(fitted.values())} met")
    graded = table[~table["verdict"].isin([UNGRADED])]
    others = [f"{int((graded['evidence'] == e).sum())} {e}" for e in EVIDENCE[2:]
              if (graded["evidence"] == e).any()]  # fmt: skip
    line = f"{paper}: " + "; ".join(parts + ([", ".join(others)] if others else [])) + "."
    ungraded = int((table["verdict"] == UNGRADED).sum())
    if ungraded:
        line += f" {ungraded} variant row(s) reported beside the graded one, not graded."
    return line


def shown_verdict(row) -> str:
    """A row's verdict as claims.md shows it: with the share of its draws within the
    precision beside it (a random value), and its witness's verdict (a passing
    qualitative row)."""
    verdict = str(row["verdict"])
    draws = row.get("num_draws", 0)
    if isinstance(draws, (int, float, np.integer)) and draws and draws > 0:
        share = row.get("within_precision", np.nan)
        if share == share:  # not NaN
            verdict += f" ({100 * share:.0f} % of {int(draws)} draws within)"
    return verdict


def write_claims_table(table: pd.DataFrame, csv_path, md_path, paper: str, title: str) -> None:
    """claims.csv and claims.md (the headline first, then the table, each verdict with the
    share of its draws within the precision), each atomically."""
    from hwiloc.reporting import to_markdown, write_text

    write_text(csv_path, table.to_csv(index=False))
    shown = table.assign(verdict=[shown_verdict(r) for _, r in table.iterrows()]) if len(
        table) else table  # fmt: skip
    write_text(md_path, to_markdown(shown, title, headline(table, paper)))


def claims_path(root: str | Path, paper: str) -> Path:
    """``config/claims/<paper>.yaml`` under the repository root."""
    return Path(root) / "config" / "claims" / f"{paper}.yaml"
