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

from hwiloc.constants import ANGLE_GRID_MARGIN, SPEED_OF_LIGHT


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
    if v == "pattern":
        what = error.schema.get("description") or "the pattern"
        return f"config key '{key}': got {inst!r}; expected {what} (regular expression {arg})"
    if v == "uniqueItems":
        return f"config key '{key}': got {inst!r}; expected distinct values (each one once)"
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


def _walk(value, path=()):
    """Every mapping in ``value`` with its key path (depth first, in order)."""
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from _walk(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, path + (i,))


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


MAX_GRID_POINTS = (
    10_000_000  # a guard against a mistyped step: the paper grids have ~1e5 points [-]
)


def _region_relations(config: dict) -> list[str]:
    """Every region and range anywhere in the config: min < max, a step that fits it.

    A region is any mapping with x_min, x_max, y_min, y_max (``step`` optional);
    a range is any mapping with start and stop. New sections are covered
    without a line here.
    """
    problems = []
    for path, node in _walk(config):
        key = f"config key '{_key(path)}'"
        node = {k: v for k, v in node.items() if _is_number(v)}  # the schema types the rest
        if all(k in node for k in ("x_min", "x_max", "y_min", "y_max")):
            bad = [
                f"{lo}={node[lo]!r} must be < {hi}={node[hi]!r}"
                for lo, hi in (("x_min", "x_max"), ("y_min", "y_max"))
                if not node[lo] < node[hi]
            ]
            problems += [f"{key}: {b}" for b in bad]
            if bad or "step" not in node:
                continue
            width, height = node["x_max"] - node["x_min"], node["y_max"] - node["y_min"]
            if node["step"] > min(width, height):
                problems.append(
                    f"{key}: step={node['step']!r} must be <= the region's smaller side "
                    f"{min(width, height):.6g} m (at least two grid points per axis)"
                )
            elif (width / node["step"] + 1) * (height / node["step"] + 1) > MAX_GRID_POINTS:
                problems.append(
                    f"{key}: step={node['step']!r} gives "
                    f"{(width / node['step'] + 1) * (height / node['step'] + 1):.3g} grid points; "
                    f"expected at most {MAX_GRID_POINTS:.0e} (a coarser step or a smaller region)"
                )
        if "start" in node and "stop" in node and not node["start"] < node["stop"]:
            problems.append(f"{key}: start={node['start']!r} must be < stop={node['stop']!r}")
    return problems


def _shard_relations(config: dict) -> list[str]:
    """Every sharded section: no more shards than realizations (an empty shard is an error)."""
    problems = []
    for path, node in _walk(config):
        node = {k: v for k, v in node.items() if _is_number(v)}
        if "num_shards" not in node:
            continue
        count = next((k for k in ("num_realizations", "num_trials") if k in node), None)
        if count and node["num_shards"] > node[count]:
            problems.append(
                f"config key '{_key(path + ('num_shards',))}': got {node['num_shards']!r}; "
                f"expected at most {count} = {node[count]!r}"
            )
    return problems


def _inside(position, region) -> bool:
    return (
        region["x_min"] <= position[0] <= region["x_max"]
        and region["y_min"] <= position[1] <= region["y_max"]
    )


def _zhang2025_relations(z: dict) -> list[str]:
    """zhang2025: the ULA lies on the x axis, centred at the origin (Sec. II-A)."""
    problems = []
    key = "config key 'zhang2025"
    s = z["system"]
    if s["num_subcarriers"] * s["subcarrier_spacing"] >= s["carrier_frequency"]:
        problems.append(
            f"{key}.system.num_subcarriers': bandwidth K * subcarrier_spacing = "
            f"{s['num_subcarriers'] * s['subcarrier_spacing']:.6g} Hz must be < "
            f"carrier_frequency = {s['carrier_frequency']!r} Hz (subcarrier frequencies > 0)"
        )
    ue = z["ue_position"]
    if ue[1] == 0:
        problems.append(
            f"{key}.ue_position': got {ue!r}; a UE on the array axis (y = 0: at the origin or "
            "on an element) has an undefined position bound; expected y != 0"
        )
    radius = z["saf"]["main_lobe_radius"]
    regions = {
        "saf.region": z["saf"]["region"],
        "pmsr_sweep.region": z["pmsr_sweep"]["region"],
        "measured.region": z["measured"]["region"],
    }
    for name, region in regions.items():
        if not (region["x_min"] < region["x_max"] and region["y_min"] < region["y_max"]):
            continue  # reported by _region_relations
        if name != "measured.region" and not _inside(ue, region):
            problems.append(
                f"{key}.ue_position': got {ue!r}; expected inside zhang2025.{name} "
                f"x in [{region['x_min']}, {region['x_max']}], "
                f"y in [{region['y_min']}, {region['y_max']}] (the SAF peak is sought there)"
            )
        side = min(region["x_max"] - region["x_min"], region["y_max"] - region["y_min"])
        if not region["step"] < radius < side / 2:
            problems.append(
                f"{key}.saf.main_lobe_radius': got {radius!r}; expected between "
                f"zhang2025.{name}.step = {region['step']!r} and half the region's smaller "
                f"side {side / 2:.6g} m (the PMSR needs a main lobe and a side-lobe area)"
            )
    m = z["measured"]
    if m["refine_step"] >= m["region"]["step"]:
        problems.append(
            f"{key}.measured.refine_step': got {m['refine_step']!r}; expected < "
            f"measured.region.step = {m['region']['step']!r}"
        )
    if m["num_symbols"] and m["num_snapshots"] > m["num_symbols"]:
        problems.append(
            f"{key}.measured.num_snapshots': got {m['num_snapshots']!r}; expected at most "
            f"num_symbols = {m['num_symbols']!r}"
        )
    if m["source"] == "emulator":
        region = m["region"]
        for name, position in m["emulator"]["captures"].items():
            if position[1] == 0:
                problems.append(
                    f"{key}.measured.emulator.captures.{name}': got {position!r}; "
                    "a UE on the array axis (y = 0); expected y != 0"
                )
            elif (
                region["x_min"] < region["x_max"]
                and region["y_min"] < region["y_max"]
                and (not _inside(position, region))
            ):
                problems.append(
                    f"{key}.measured.emulator.captures.{name}': got {position!r}; expected "
                    f"inside zhang2025.measured.region (where the UE is localized)"
                )
    if m["source"] == "dichasus":
        for name, c in m["dichasus"]["captures"].items():
            if c["num_records"] and m["num_symbols"] > c["num_records"]:
                problems.append(
                    f"{key}.measured.num_symbols': got {m['num_symbols']!r}; expected at most "
                    f"dichasus.captures.{name}.num_records = {c['num_records']!r} (0 = all)"
                )
    if m["source"] == "kuleuven":
        for name, c in m["kuleuven"]["captures"].items():
            if m["num_symbols"] > c["num_samples"]:
                problems.append(
                    f"{key}.measured.num_symbols': got {m['num_symbols']!r}; expected at most "
                    f"kuleuven.captures.{name}.num_samples = {c['num_samples']!r} (0 = all)"
                )
    problems += _measured_relations(m)
    problems += saf_grid_problems(z)
    return problems


def saf_grid_problems(cfg: dict) -> list[str]:
    """zhang2025: why the SAF grids of Figs. 4-7 would misrepresent the SAF (empty if not).

    The grid must hold the true UE position (else the sampled peak is below the
    true one and the PMSR of eq. (18) is low: Fig. 7 would disagree with Fig. 4
    for the same signal), and its step must not exceed half a wavelength (else
    the image aliases into a checkerboard).
    """
    problems = []
    half_wavelength = SPEED_OF_LIGHT / float(cfg["system"]["carrier_frequency"]) / 2
    ue = [float(v) for v in cfg["ue_position"]]
    for key in ("saf", "pmsr_sweep"):
        region = cfg[key]["region"]
        if not (region["x_min"] < region["x_max"] and region["y_min"] < region["y_max"]):
            continue  # reported by _region_relations
        step = float(region["step"])
        for axis, value in zip("xy", ue, strict=True):
            lo, hi = float(region[f"{axis}_min"]), float(region[f"{axis}_max"])
            k = (value - lo) / step
            if not (lo <= value <= hi and abs(k - round(k)) < 1e-6):
                problems.append(
                    f"config key 'zhang2025.{key}.region': the grid's {axis} axis ({lo:g} to "
                    f"{hi:g} m, step {step:g} m) does not hold the UE's {axis} = {value:g} m; "
                    f"expected {axis}_min + i * step = {value:g} for some integer i"
                )
        if step > half_wavelength * (1 + 1e-9):
            problems.append(
                f"config key 'zhang2025.{key}.region.step': got {step:g} m; expected at most "
                f"half a wavelength, {half_wavelength:.4g} m (a coarser grid aliases the SAF)"
            )
    fit_step = float(cfg["assumptions"]["grid_step"])
    if fit_step > half_wavelength * (1 + 1e-9):
        problems.append(
            f"config key 'zhang2025.assumptions.grid_step': got {fit_step:g} m; expected at most "
            f"half a wavelength, {half_wavelength:.4g} m (a coarser grid aliases the SAF)"
        )
    return problems


def _chen2022_relations(c: dict) -> list[str]:
    """chen2022: ULA on the y axis at the origin, UE in front of it (x > 0), Sec. II."""
    problems = []
    key = "config key 'chen2022"
    s = c["system"]
    x, y = s["ue_position"]
    theta = math.atan2(y, x)
    delay = math.hypot(x, y) / SPEED_OF_LIGHT
    if x <= 0:
        problems.append(
            f"{key}.system.ue_position': got {s['ue_position']!r}; expected x > 0 (the UE in "
            "front of the array on the y axis; x = 0 is on the array axis or at the origin)"
        )
    elif abs(theta) >= math.pi / 2 - ANGLE_GRID_MARGIN:
        problems.append(
            f"{key}.system.ue_position': got {s['ue_position']!r}; its angle {theta:.6g} rad "
            f"is outside the estimators' angle grid |theta| < pi/2 - {ANGLE_GRID_MARGIN}"
        )
    if s["bandwidth"] >= s["carrier_frequency"]:
        problems.append(
            f"{key}.system.bandwidth': got {s['bandwidth']!r}; expected < carrier_frequency = "
            f"{s['carrier_frequency']!r} Hz"
        )
    spacing = s["bandwidth"] / s["num_subcarriers"]
    if x > 0 and delay >= 1 / spacing:
        problems.append(
            f"{key}.system.ue_position': got {s['ue_position']!r}; its delay {delay:.6g} s "
            f"must be < 1 / subcarrier spacing = {1 / spacing:.6g} s (else it aliases)"
        )
    mc = c["montecarlo"]
    if x > 0 and not delay <= mc["grid_tau_max"] - mc["grid_tau_step"]:
        problems.append(
            f"{key}.montecarlo.grid_tau_max': got {mc['grid_tau_max']!r}; the estimators' "
            f"delay grid must contain the UE's delay {delay:.6g} s: expected >= "
            f"{delay + mc['grid_tau_step']:.6g} s (delay + grid_tau_step)"
        )
    if mc["grid_tau_step"] >= mc["grid_tau_max"]:
        problems.append(
            f"{key}.montecarlo.grid_tau_step': got {mc['grid_tau_step']!r}; expected < "
            f"grid_tau_max = {mc['grid_tau_max']!r}"
        )
    pa = c["impairments"]["pa_coefficients"]
    linear = pa.get("1")
    if linear is None or (linear[0] == 0 and linear[1] == 0):
        problems.append(
            f"{key}.impairments.pa_coefficients': got {pa!r}; expected a non-zero linear "
            "term '1' (the PA gain beta_1; without it the signal vanishes at low power)"
        )
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
        if "search_step" in entry and "search_halfwidth" in entry:
            step, half = entry["search_step"], entry["search_halfwidth"]
            points = (2 * half / step + 1) ** 2
            if step > half:
                problems.append(
                    f"config key 'studies.{name}.search_step': got {step!r}; "
                    f"expected <= search_halfwidth = {half!r}"
                )
            elif points > MAX_GRID_POINTS:
                problems.append(
                    f"config key 'studies.{name}.search_step': got {step!r}; the search window "
                    f"+-{half!r} m has {points:.3g} grid points, expected at most "
                    f"{MAX_GRID_POINTS:.0e}"
                )
    return problems


def _hwi_catalogue_relations(config: dict) -> list[str]:
    """hwi_catalogue: levels ascending, the typical level inside them, a PLL slower than the
    sample rate of chen2022's system, an IQ imbalance short of |phase| = pi / 2."""
    problems = []
    h = config["hwi_catalogue"]
    for name, entry in h["impairments"].items():
        key = f"config key 'hwi_catalogue.impairments.{name}"
        levels = entry["levels"]
        if list(levels) != sorted(levels):
            problems.append(f"{key}.levels': got {levels!r}; expected ascending levels")
            continue
        positive = [v for v in levels if v > 0]
        if not positive or not positive[0] <= entry["typical"] <= levels[-1]:
            problems.append(
                f"{key}.typical': got {entry['typical']!r}; expected a level within the swept "
                f"ones' positive range [{positive[0] if positive else None!r}, {levels[-1]!r}] "
                "(the ranking reads the cost there)"
            )
        if "phase" in entry and abs(entry["phase"]) * levels[-1] >= math.pi / 2:
            problems.append(
                f"{key}.levels': the largest level {levels[-1]!r} times the phase "
                f"{entry['phase']!r} rad reaches pi / 2, where the quadrature branch is lost "
                "(|mu| = |nu|); expected a smaller level or phase"
            )
        if "loop_bandwidth" in entry and "chen2022" in config:
            bandwidth = config["chen2022"]["system"]["bandwidth"]
            kappa = 2 * math.pi * entry["loop_bandwidth"] / bandwidth
            if kappa > 1:
                problems.append(
                    f"{key}.loop_bandwidth': got {entry['loop_bandwidth']!r} Hz; 2 pi f_L T_s = "
                    f"{kappa:.3g} > 1 at chen2022's sample rate {bandwidth:.6g} Hz; expected "
                    f"f_L <= {bandwidth / (2 * math.pi):.6g} Hz"
                )
    return problems


# Cross-field checks of each top-level section (run when the schema passes).
# A new section (e.g. xlmimo2022) needs only its schema under the root's
# ``properties`` in workflow/schemas/config.schema.yaml; it gets the generic
# region, range and shard checks for free, and an entry here if it has
# relations of its own.
SECTION_RELATIONS = {
    "zhang2025": _zhang2025_relations,
    "chen2022": _chen2022_relations,
    "studies": _study_relations,
}


def _relations(config: dict) -> list[str]:
    """Checks that involve several values."""
    problems = _region_relations(config) + _shard_relations(config)
    for section, check in SECTION_RELATIONS.items():
        if section in config:
            problems += check(config[section])
    if "hwi_catalogue" in config:  # reads chen2022's sample rate too
        problems += _hwi_catalogue_relations(config)
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
    if source in ("netcdf", "kuleuven", "dichasus") and not m.get(source, {}).get("path"):
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
    tainted = set()  # sections with a problem of their own: no relation checks there
    problems = []
    for path, value in _non_finite(config):
        problems.append(f"config key '{_key(path)}': got {value!r}; expected a finite number")
        tainted.add(path[0])
    for path, node in _walk(config):
        for k in node:
            if not isinstance(k, str):
                problems.append(
                    f"config key '{_key(path)}': key {k!r} is a {type(k).__name__}; expected a "
                    "string (quote it, or pass the config through coerce_numeric_strings)"
                )
                tainted.add(path[0] if path else k)
    validator = Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(config), key=lambda e: [str(p) for p in e.path]):
        problems.append(_describe(error))
        if error.absolute_path:
            tainted.add(error.absolute_path[0])
    # Relations between values run on every section the schema found clean, so a
    # typo in one section does not hide a bad relation in another.
    known = schema.get("properties", {})
    problems += _relations({k: v for k, v in config.items() if k in known and k not in tainted})
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    return config


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def coerce_numeric_strings(value):
    """Numbers written as strings become numbers (ints stay ints); integer keys become strings.

    Snakemake's ``--config key={...}`` loads nested values with YAML's
    BaseLoader, so ``--config 'zhang2025={"snr_db": 5}'`` arrives as the string
    ``'5'``. This turns such strings back into numbers before validation; a
    string that is not a number (``'abc'``) is kept and refused by the schema.
    Mapping keys go the other way: YAML reads ``1:`` as the integer 1 but
    ``--config`` delivers ``'1'``, so integer keys become strings; where
    Snakemake's merge left both, the string (the command line's) replaces the
    integer (a file's), as an override should (``pa_coefficients``).
    """
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(k, int) and not isinstance(k, bool):
                if str(k) in value:
                    continue  # the string key came from --config: it overrides the file's
                k = str(k)
            out[k] = coerce_numeric_strings(v)
        return out
    if isinstance(value, list):
        return [coerce_numeric_strings(v) for v in value]
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        text = value.strip()
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
    return value


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a mapping key given twice (YAML keeps the last silently)."""

    source = "<string>"

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise ConfigError(
                    f"{self.source}, line {line}: key {key!r} is given twice (first at line "
                    f"{seen[key]}); YAML would keep the last silently. Keep one"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def read_yaml_strictly(path: str | Path):
    """A YAML file's content; a duplicate key is a ConfigError naming the file and its line.

    A BOM at its start is dropped.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not a readable UTF-8 text file ({error})") from None
    loader = _StrictLoader(text)
    loader.source = str(path)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error})") from None
    finally:
        loader.dispose()


def check_config_files(paths) -> None:
    """Read every config file strictly (:func:`read_yaml_strictly`); raise the first problem."""
    for path in paths:
        read_yaml_strictly(path)


def coerce_integers(value, schema: dict, root: dict | None = None):
    """Integral floats where the schema says integer become ints (``num_shards: 2.0`` -> 2).

    JSON Schema counts 2.0 as an integer, but ``range(2.0)`` fails: after
    validation the value is made the int it stands for. Follows
    ``properties``, ``additionalProperties``, ``items`` and local ``$ref``.
    """
    root = schema if root is None else root
    if "$ref" in schema and schema["$ref"].startswith("#/"):
        node = root
        for part in schema["$ref"][2:].split("/"):
            node = node.get(part, {})
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    if schema.get("type") == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            k: coerce_integers(v, props[k] if k in props else extra, root)
            if isinstance(props.get(k, extra), dict) else v
            for k, v in value.items()
        }  # fmt: skip
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [coerce_integers(v, schema["items"], root) for v in value]
    return value


def load_config(*paths: str | Path) -> dict:
    """Load YAML config files, later ones updating earlier ones key by key (as Snakemake does).

    Each is read strictly: a key given twice is refused (:func:`read_yaml_strictly`).
    """
    merged: dict = {}
    for path in paths:
        _deep_update(merged, coerce_numeric_strings(read_yaml_strictly(path) or {}))
    return merged


def _deep_update(base: dict, update: dict) -> dict:
    for k, v in update.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            _deep_update(base[k], v)
        else:
            base[k] = v
    return base


def _cell(text: str):
    """A TSV cell as a number when it reads as one, None when empty or NA, else the string."""
    text = text.strip()
    if text in ("", "NA", "N/A", "NaN", "nan", "null", "None"):
        return None
    return coerce_numeric_strings(text)


def study_table_problems(path: str | Path, kind: str, schema: dict, config: dict) -> list[str]:
    """Every problem of one study table: columns, then each cell typed and bounded by its kind.

    Parameters
    ----------
    path : path
        The study's TSV (tab-separated, one header line).
    kind : str
        The study kind; ``schema["kinds"][kind]`` is the schema of one row.
    schema : dict
        The study-table schema (workflow/schemas/study_tables.schema.yaml).
    config : dict
        The validated config (for relations with the paper profile).
    """
    import csv

    where = f"study table {path}"
    if kind not in schema["kinds"]:
        return [f"{where}: kind {kind!r} has no row schema; known kinds {sorted(schema['kinds'])}"]
    row_schema = {"$defs": schema.get("$defs", {}), **schema["kinds"][kind]}
    columns_allowed = sorted(row_schema["properties"])
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:  # a BOM is not a column name
            lines = list(csv.reader(f, delimiter="\t"))
    except FileNotFoundError:
        return [f"{where} does not exist"]
    except (OSError, ValueError, csv.Error) as error:  # ValueError: bad bytes, a NUL in the path
        return [f"{where}: not a readable tab-separated text file ({error})"]
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        return [f"{where} is empty; expected a header with columns {columns_allowed}"]
    header = [c.strip() for c in lines[0]]
    problems = []
    duplicated = sorted({c for c in header if header.count(c) > 1})
    unknown = [c for c in header if c not in columns_allowed]
    missing = [c for c in row_schema["required"] if c not in header]
    if duplicated:
        problems.append(f"{where}: duplicated column(s) {duplicated}")
    if unknown or missing:
        problems.append(
            f"{where}: columns {header}; kind {kind!r} needs exactly {columns_allowed}"
            + (f" (missing {missing})" if missing else "")
            + (f" (unknown {unknown})" if unknown else "")
        )
    if problems:
        return problems
    if len(lines) == 1:
        return [f"{where} has no rows"]
    validator = Draft202012Validator(row_schema)
    seen = {}
    for number, line in enumerate(lines[1:], start=2):
        if len(line) != len(header):
            problems.append(
                f"{where}, line {number}: {len(line)} cell(s); expected {len(header)} "
                f"(one per column {header}, tab-separated)"
            )
            continue
        row = {c: _cell(v) for c, v in zip(header, line, strict=True)}
        for error in validator.iter_errors({k: v for k, v in row.items() if v is not None}):
            if error.validator == "required":
                continue  # an empty cell: reported below
            text = _describe(error).split(": ", 1)[1]
            column = error.absolute_path[0] if error.absolute_path else ""
            problems.append(f"{where}, line {number}, column '{column}': {text}")
        for column, value in row.items():
            if value is None:
                problems.append(
                    f"{where}, line {number}, column '{column}': empty or NA cell; expected a value"
                )
            elif isinstance(value, float) and not math.isfinite(value):
                problems.append(
                    f"{where}, line {number}, column '{column}': got {value!r}; expected a finite "
                    "number"
                )
        key = tuple(line)
        if key in seen:
            problems.append(f"{where}, line {number}: repeats line {seen[key]} (the same case)")
        seen.setdefault(key, number)
        carrier = config.get("zhang2025", {}).get("system", {}).get("carrier_frequency")
        bandwidth = row.get("bandwidth_hz")
        if isinstance(bandwidth, int | float) and carrier and bandwidth >= carrier:
            problems.append(
                f"{where}, line {number}, column 'bandwidth_hz': got {bandwidth!r}; expected < "
                f"zhang2025.system.carrier_frequency = {carrier!r} Hz"
            )
    return problems


def validate_study_tables(
    config: dict, basedir: str | Path, schema: dict | str | Path, table_path=None
) -> None:
    """Check the table of every study in ``config["studies"]``; raise ConfigError listing all.

    ``basedir`` is the folder study ``table`` paths are relative to (the Snakefile's);
    ``table_path``, if given, maps a ``table`` entry to its file instead (the
    workflow's own resolution, e.g. a deployed project's config/ first).
    """
    if not isinstance(schema, dict):
        schema = yaml.safe_load(Path(schema).read_text())
    locate = table_path or (lambda table: Path(basedir) / table)
    problems = []
    for name, entry in config.get("studies", {}).items():
        found = study_table_problems(Path(locate(entry["table"])), entry["kind"], schema, config)
        problems += [f"config key 'studies.{name}.table': {p}" for p in found]
    if problems:
        raise ConfigError("invalid study table(s):\n  " + "\n  ".join(problems))


def check_workflow_config(
    config: dict,
    basedir: str | Path,
    *,
    schemas: tuple[str | Path, str | Path] | None = None,
    table_path=None,
) -> dict:
    """Everything the Snakefile checks before building the DAG; the coerced config.

    Numbers written as strings (``--config``) become numbers and integer keys
    strings (:func:`coerce_numeric_strings`); then the config is validated
    against ``config.schema.yaml``, integral floats where it says integer become
    ints (:func:`coerce_integers`), and every study table is checked against
    ``study_tables.schema.yaml`` (``schemas``: their two paths, default in
    ``<basedir>/workflow/schemas``), each table found by ``table_path``
    (default: relative to ``basedir``). Raises ConfigError listing every problem.
    """
    config = coerce_numeric_strings(config)
    if schemas is None:
        folder = Path(basedir) / "workflow" / "schemas"
        schemas = (folder / "config.schema.yaml", folder / "study_tables.schema.yaml")
    schema = yaml.safe_load(Path(schemas[0]).read_text())
    validate_config(config, schema)
    config = coerce_integers(config, schema)
    validate_study_tables(config, basedir, schemas[1], table_path)
    return config
