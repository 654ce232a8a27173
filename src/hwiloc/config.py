"""Configuration checks: the JSON schema, then the relations a schema cannot state.

Every problem is reported at once, each naming the config key, the value found
and what is allowed, before any job runs.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator


class ConfigError(ValueError):
    """A config value is missing, of the wrong type or out of range."""


def _key(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<top level>"


def _describe(error) -> str:
    """One line: key, value, and what the schema allows."""
    v = error.validator
    arg = error.validator_value
    inst = error.instance
    key = _key(error.absolute_path)
    if v == "type":
        expected = f"a value of type {arg}" if isinstance(arg, str) else f"one of types {arg}"
        return f"config key '{key}': got {inst!r}; expected {expected}"
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        op = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}[v]
        return f"config key '{key}': got {inst!r}; expected a number {op} {arg}"
    if v == "enum":
        return f"config key '{key}': got {inst!r}; allowed values are {list(arg)}"
    if v == "required":
        missing = [name for name in arg if name not in inst]
        return f"config key '{key}': missing required key(s) {missing}"
    if v == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(inst) - set(known))
        return f"config key '{key}': unknown key(s) {extra}; allowed keys are {known}"
    if v in ("minItems", "maxItems"):
        return f"config key '{key}': got {inst!r}; expected {v.replace('Items', '')} {arg} items"
    return f"config key '{key}': got {inst!r}; {error.message}"


def _non_finite(value, path=()):
    if isinstance(value, float) and not math.isfinite(value):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _non_finite(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _non_finite(v, path + (i,))


def _relations(config: dict) -> list[str]:
    """Checks that involve several values."""
    problems = []
    z = config.get("zhang2025", {})
    for where in ("saf", "pmsr_sweep"):
        region = z.get(where, {}).get("region", {})
        for lo, hi in (("x_min", "x_max"), ("y_min", "y_max")):
            if lo in region and hi in region and not region[lo] < region[hi]:
                problems.append(
                    f"config key 'zhang2025.{where}.region': {lo}={region[lo]!r} must be "
                    f"< {hi}={region[hi]!r}"
                )
    std = z.get("crlb", {}).get("offset_std", {})
    if "start" in std and "stop" in std and not std["start"] < std["stop"]:
        problems.append(
            f"config key 'zhang2025.crlb.offset_std': start={std['start']!r} must be "
            f"< stop={std['stop']!r}"
        )
    sweep = z.get("pmsr_sweep", {})
    if sweep.get("num_shards", 0) > sweep.get("num_realizations", math.inf):
        problems.append(
            f"config key 'zhang2025.pmsr_sweep.num_shards': got {sweep['num_shards']!r}; "
            f"expected at most num_realizations = {sweep['num_realizations']!r}"
        )
    problems += _measured_relations(z.get("measured", {}))
    problems += _study_relations(config.get("studies", {}))
    return problems


STUDY_FIELDS = {
    "zhang2025_wideband": ("num_realizations",),
    "zhang2025_array": ("num_realizations",),
    "chen2022_tolerance": ("num_realizations",),
    "saf_mcrb": ("num_trials", "search_halfwidth", "search_step"),
}


def _study_relations(studies: dict) -> list[str]:
    """Each study entry has the fields its kind uses."""
    problems = []
    for name, entry in studies.items():
        missing = [k for k in STUDY_FIELDS.get(entry.get("kind"), ()) if k not in entry]
        if missing:
            problems.append(
                f"config key 'studies.{name}': missing {missing} "
                f"(needed by kind {entry.get('kind')!r})"
            )
    return problems


def capture_names(measured: dict) -> list[str]:
    """Names of the captures of the configured source, in config order."""
    source = measured.get("source")
    entries = measured.get(source, {}).get("captures", []) if source else []
    return list(entries)


def evaluation_captures(measured: dict) -> list[str]:
    """The captures to localize: ``evaluation_captures`` (all of the source when empty),
    always with the calibration capture (its same-capture result is Fig. 9's)."""
    names = list(measured.get("evaluation_captures") or capture_names(measured))
    own = measured.get("calibration_capture")
    return names if own in names else [own, *names]


def _measured_relations(m: dict) -> list[str]:
    """The measured-CSI stage: captures listed for the source, a known calibration capture."""
    problems = []
    key = "config key 'zhang2025.measured"
    source = m.get("source")
    names = capture_names(m)
    if not names:
        problems.append(f"{key}.{source}.captures': empty; list the captures of source {source!r}")
    elif m.get("calibration_capture") not in names:
        problems.append(
            f"{key}.calibration_capture': got {m.get('calibration_capture')!r}; "
            f"expected one of the {source} captures {names}"
        )
    unknown = [c for c in m.get("evaluation_captures", []) if c not in names]
    if names and unknown:
        problems.append(
            f"{key}.evaluation_captures': unknown capture(s) {unknown}; "
            f"expected names among the {source} captures {names}"
        )
    if source in ("netcdf", "kuleuven") and not m.get(source, {}).get("path"):
        problems.append(f"{key}.{source}.path': empty; give the folder that holds the captures")
    emulator = m.get("emulator", {})
    if source == "emulator" and m.get("num_symbols", 0) > emulator.get("num_symbols", 0):
        problems.append(
            f"{key}.num_symbols': got {m['num_symbols']!r}; expected at most "
            f"emulator.num_symbols = {emulator.get('num_symbols')!r} (0 = all)"
        )
    return problems


def validate_config(config: dict, schema: dict | str | Path) -> dict:
    """Validate ``config`` against ``schema``; raise ConfigError listing every problem.

    Parameters
    ----------
    config : dict
        The merged Snakemake config.
    schema : dict or path
        JSON schema (draft 2020-12), or the path of its YAML file.

    Returns
    -------
    config : dict
        The same config, unchanged, when it is valid.
    """
    if not isinstance(schema, dict):
        schema = yaml.safe_load(Path(schema).read_text())
    problems = [
        f"config key '{_key(path)}': got {value!r}; expected a finite number"
        for path, value in _non_finite(config)
    ]
    validator = Draft202012Validator(schema)
    problems += [
        _describe(e)
        for e in sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    ]
    if not problems:
        problems = _relations(config)
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    return config


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def coerce_numeric_strings(value):
    """Numbers written as strings become numbers (ints stay ints); nothing else changes.

    Snakemake's ``--config key={...}`` loads nested values with YAML's
    BaseLoader, so ``--config 'zhang2025={"snr_db": 5}'`` arrives as the string
    ``'5'``. This turns such strings back into numbers before validation; a
    string that is not a number (``'abc'``) is kept and refused by the schema.
    """
    if isinstance(value, dict):
        return {k: coerce_numeric_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [coerce_numeric_strings(v) for v in value]
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        text = value.strip()
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
    return value


def load_config(*paths: str | Path) -> dict:
    """Load YAML config files, later ones updating earlier ones key by key (as Snakemake does)."""
    merged: dict = {}
    for path in paths:
        _deep_update(merged, yaml.safe_load(Path(path).read_text()) or {})
    return merged


def _deep_update(base: dict, update: dict) -> dict:
    for k, v in update.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            _deep_update(base[k], v)
        else:
            base[k] = v
    return base
