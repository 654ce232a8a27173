"""Configuration checks: the JSON schema, then the relations a schema cannot state.

Every problem is reported at once, each naming the config key, the value found
and what is allowed, before any job runs.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import yaml
from jsonschema import Draft202012Validator

from hwiloc.plugins import hook, plugins

# libyaml's C parser where PyYAML was built with it (its wheels are): the same documents,
# about 8x faster than the pure-Python one; Snakemake reads some 20 of these files (schemas,
# claims) before it schedules the first job.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path) -> object:
    """The document of a YAML file, as ``yaml.safe_load`` reads it.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    document : object
        Its content (dict, list, str, number, bool or None).
    """
    return yaml.load(Path(path).read_text(), Loader=_YAML_LOADER)


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


ROOT_SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


def workflow_schema(root: dict | str | Path | None = None) -> dict:
    """The root schema joined to every plugin's section schema (:mod:`hwiloc.plugins`).

    Each plugin's ``config.schema.yaml`` becomes ``properties.<name>`` and its name joins
    ``required``; its ``$defs`` join the root's. A schema that already has a section
    (joined before) is returned as it is.

    Parameters
    ----------
    root : dict or path, optional
        The root schema (``workflow/schemas/config.schema.yaml``: the keys of no paper), or
        its path; default that of the workflow beside this package.

    Raises
    ------
    ConfigError
        When a ``$defs`` name or a section is defined twice with different content.
    """
    schema = read_yaml(root or ROOT_SCHEMA) if not isinstance(root, dict) \
        else dict(root)  # fmt: skip
    properties = dict(schema.get("properties", {}))
    defs = dict(schema.get("$defs", {}))
    required = list(schema.get("required", []))
    for plugin in plugins():
        section = read_yaml(plugin.schema_file)
        for name, definition in section.pop("$defs", {}).items():
            if name in defs and defs[name] != definition:
                raise ConfigError(
                    f"{plugin.schema_file}: $defs/{name} is defined differently in another "
                    "schema; give it a name of its own"
                )
            defs[name] = definition
        section.pop("$schema", None)
        if plugin.name in properties and properties[plugin.name] != section:
            raise ConfigError(f"{plugin.schema_file}: section {plugin.name!r} is defined twice")
        properties[plugin.name] = section
        required += [plugin.name] if plugin.name not in required else []
    kinds = [kind for _, known in hook("STUDY_KINDS") for kind in known]
    studies = properties.get("studies", {}).get("additionalProperties", {}).get("properties", {})
    if kinds and "kind" in studies:  # the parameter studies' kinds, from their hooks
        studies["kind"] = {"enum": kinds}
    return {**schema, "$defs": defs, "properties": properties, "required": required}


def default_config(profile: str = "paper", root: str | Path | None = None) -> dict:
    """The merged default config of a profile, as the workflow builds it before any overlay.

    Each plugin's ``config.yaml`` (package data: it works from any install), then, for a
    profile other than ``paper``, its ``<profile>.yaml`` overrides (:mod:`hwiloc.plugins`).

    Parameters
    ----------
    profile : str
        ``paper`` (the defaults) or another profile, e.g. ``quick``.
    root : path, optional
        A folder holding the root config files (``config.yaml`` and ``<profile>.yaml``: the
        results root, the profile and the parameter studies), e.g. a clone's ``config/``;
        they are merged as the Snakefile does (root, plugins, then the profile's root file
        on top). Without it the result holds the plugins' sections only.

    Returns
    -------
    dict
        The config, with numbers and keys as :func:`load_config` returns them.
    """
    root_files = []
    if root is not None:
        root_files = [Path(root) / "config.yaml"]
        if profile != "paper":
            root_files.append(Path(root) / f"{profile}.yaml")
    files = root_files[:1]
    for plugin in plugins():
        files.append(plugin.config_file)
        overrides = plugin.profile_file(profile)
        files += [overrides] if overrides else []
    return load_config(*files, *root_files[1:])


def validate_config(config: dict, schema: dict | str | Path | None = None, checks=None) -> dict:
    """Validate ``config`` against ``schema``; raise ConfigError listing every problem.

    Parameters
    ----------
    config : dict
        The merged Snakemake config.
    schema : dict or path, optional
        JSON schema (draft 2020-12), or the path of its YAML file: the root's, which
        :func:`workflow_schema` joins to the plugins' (default: this package's workflow's).
    checks : sequence of callables, optional
        The relations a schema cannot state: each ``check(config)`` returns a list of
        problems, and sees only the sections the schema found clean (default: every
        plugin's ``config_problems`` hook, :func:`hwiloc.plugins.hook`). The generic region,
        range and shard checks always run.

    Returns
    -------
    config : dict
        The same config, unchanged, when it is valid.
    """
    schema = workflow_schema(schema)
    if checks is None:
        checks = [check for _, check in hook("config_problems")]
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
    clean = {k: v for k, v in config.items() if k in known and k not in tainted}
    problems += _region_relations(clean) + _shard_relations(clean)
    for check in checks:
        problems += check(clean)
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    return config


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def coerce_numeric_strings(value):
    """Numbers written as strings become numbers (ints stay ints); integer keys become strings.

    Snakemake's ``--config key={...}`` loads nested values with YAML's
    BaseLoader, so ``--config 'paper={"snr_db": 5}'`` arrives as the string
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
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base`: merged keys may be overridden by the mapping's own
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


def _cell_problems(line: list[str], header: list[str], validator) -> list[str]:
    """What is wrong with the cells of one row, each "column 'c': ..." (the direct check: the
    row typed cell by cell and validated against the kind's row schema)."""
    problems = []
    row = {c: _cell(v) for c, v in zip(header, line, strict=True)}
    for error in validator.iter_errors({k: v for k, v in row.items() if v is not None}):
        if error.validator == "required":
            continue  # an empty cell: reported below
        text = _describe(error).split(": ", 1)[1]
        column = error.absolute_path[0] if error.absolute_path else ""
        problems.append(f"column '{column}': {text}")
    for column, value in row.items():
        if value is None:
            problems.append(f"column '{column}': empty or NA cell; expected a value")
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(f"column '{column}': got {value!r}; expected a finite number")
    return problems


MAX_LINES_REPORTED = 50  # a study table's problems name at most this many lines [-]
_NA_CELLS = ("", "NA", "N/A", "NaN", "nan", "null", "None")
_SCREENED = {"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum",
             "description"}  # fmt: skip


def _column_passes(cells, prop: dict) -> np.ndarray:
    """Which cells of one column surely pass ``prop`` (a column's schema); False where the
    direct check must look. Conservative: it never passes a cell the direct check refuses."""
    import pandas as pd

    if not set(prop) <= _SCREENED:
        return np.zeros(len(cells), dtype=bool)  # a keyword the screen does not know
    numeric = cells.str.fullmatch(_NUMBER.pattern[1:-1]).to_numpy(dtype=bool)
    values = pd.to_numeric(cells.where(numeric), errors="coerce").to_numpy(dtype=float)
    ok = ~cells.isin(_NA_CELLS).to_numpy()
    kind = prop.get("type")
    if kind in ("number", "integer"):
        ok &= numeric & np.isfinite(values)
        if kind == "integer":
            ok &= values == np.round(values)
    elif kind == "string":
        ok &= ~numeric
    elif kind is not None:
        return np.zeros(len(cells), dtype=bool)
    bounds = {"minimum": np.greater_equal, "maximum": np.less_equal,
              "exclusiveMinimum": np.greater, "exclusiveMaximum": np.less}  # fmt: skip
    for key, compare in bounds.items():
        if key in prop:
            if kind not in ("number", "integer"):
                return np.zeros(len(cells), dtype=bool)
            with np.errstate(invalid="ignore"):
                ok &= compare(values, prop[key])
    if "enum" in prop:
        allowed = [v for v in prop["enum"] if isinstance(v, str)]
        if len(allowed) != len(prop["enum"]):
            return np.zeros(len(cells), dtype=bool)  # a numeric enum: the direct check
        ok &= cells.isin(allowed).to_numpy() & ~numeric
    return ok


def _screen_rows(body: list[list[str]], header: list[str], row_schema: dict):
    """(suspect, first_of): which rows the direct check must describe, vectorized over rows.

    A row is suspect when its cell count is wrong, when a cell may fail its column's schema
    (:func:`_column_passes`) or when it repeats an earlier row; ``first_of[i]`` is the index
    of the first row equal to row ``i``. A 100,000-row table is screened in well under a
    second, against minutes for :func:`_cell_problems` on every row.
    """
    import pandas as pd

    defs = row_schema.get("$defs", {})
    count = np.fromiter(map(len, body), dtype=int, count=len(body))
    suspect = count != len(header)
    first_of = np.arange(len(body))
    well = np.flatnonzero(~suspect)
    frame = pd.DataFrame([body[i] for i in well], columns=header, dtype=str)
    for column in header:
        prop = row_schema["properties"][column]
        if "$ref" in prop:
            prop = {**defs[prop["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in prop.items()
                                                              if k != "$ref"}}  # fmt: skip
        cells = frame[column].str.strip()
        suspect[well] |= ~_column_passes(cells, prop)
    if len(well):  # a repeated row (the same text, cell by cell) is the same case
        codes = frame.groupby(header, sort=False, dropna=False).ngroup().to_numpy()
        first = np.full(codes.max() + 1, -1)
        first[codes[::-1]] = well[::-1]  # the earliest row of each group
        first_of[well] = first[codes]
        suspect |= first_of != np.arange(len(body))
    return suspect, first_of


def _line_number(problem: str) -> int:
    """The line a problem names (problems sort by it; the order the direct check gave)."""
    match = re.search(r", line (\d+)", problem)
    return int(match.group(1)) if match else 0


def study_table_problems(
    path: str | Path, kind: str, schema: dict, config: dict, row_checks=()
) -> list[str]:
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
    row_checks : sequence of callables, optional
        Each ``check(row, config)`` returns what is wrong with one typed row (the hooks
        ``row_problems`` of :func:`hwiloc.plugins.hook`).
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
    body = lines[1:]
    validator = Draft202012Validator(row_schema)
    suspect, first_of = _screen_rows(body, header, row_schema)
    for i in np.flatnonzero(suspect):  # the rows the screen flags, described cell by cell
        line, number = body[i], i + 2
        if len(line) != len(header):
            problems.append(
                f"{where}, line {number}: {len(line)} cell(s); expected {len(header)} "
                f"(one per column {header}, tab-separated)"
            )
            continue
        cells = _cell_problems(line, header, validator)
        problems += [f"{where}, line {number}, {p}" for p in cells]
        if first_of[i] != i:
            problems.append(
                f"{where}, line {number}: repeats line {first_of[i] + 2} (the same case)"
            )
    if row_checks:  # the hooks' relations with the config, on every well-formed row
        for i, line in enumerate(body):
            if len(line) == len(header):
                row = {c: _cell(v) for c, v in zip(header, line, strict=True)}
                for check in row_checks:
                    problems += [f"{where}, line {i + 2}, {p}" for p in check(row, config)]
    problems.sort(key=_line_number)
    lines_named = sorted({_line_number(p) for p in problems})
    if len(lines_named) > MAX_LINES_REPORTED:  # a table wrong throughout: the first lines
        last = lines_named[MAX_LINES_REPORTED - 1]
        problems = [p for p in problems if _line_number(p) <= last] + [
            f"{where}: and {len(lines_named) - MAX_LINES_REPORTED} more line(s) with problems"
        ]
    return problems


def validate_study_tables(
    config: dict, basedir: str | Path, schema: dict | str | Path, table_path=None, row_checks=None
) -> None:
    """Check the table of every study in ``config["studies"]``; raise ConfigError listing all.

    ``basedir`` is the folder study ``table`` paths are relative to (the Snakefile's);
    ``table_path``, if given, maps a ``table`` entry to its file instead (the
    workflow's own resolution, e.g. a deployed project's config/ first). ``row_checks``:
    as :func:`study_table_problems`'s (default: every plugin's ``row_problems`` hook).
    """
    if row_checks is None:
        row_checks = [check for _, check in hook("row_problems")]
    if not isinstance(schema, dict):
        schema = read_yaml(schema)
    locate = table_path or (lambda table: Path(basedir) / table)
    problems = []
    for name, entry in config.get("studies", {}).items():
        found = study_table_problems(
            Path(locate(entry["table"])), entry["kind"], schema, config, row_checks
        )
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
    against ``config.schema.yaml`` joined to the plugins' (:func:`workflow_schema`) and
    their cross-field checks (hooks ``config_problems``), integral floats where it says
    integer become ints (:func:`coerce_integers`), and every study table is checked against
    ``study_tables.schema.yaml`` (``schemas``: their two paths, default in
    ``<basedir>/workflow/schemas``), each table found by ``table_path``
    (default: relative to ``basedir``). Raises ConfigError listing every problem.
    """
    config = coerce_numeric_strings(config)
    if schemas is None:
        folder = Path(basedir) / "workflow" / "schemas"
        schemas = (folder / "config.schema.yaml", folder / "study_tables.schema.yaml")
    schema = workflow_schema(schemas[0])
    validate_config(config, schema, [check for _, check in hook("config_problems")])
    config = coerce_integers(config, schema)
    validate_study_tables(
        config, basedir, schemas[1], table_path, [check for _, check in hook("row_problems")]
    )
    return config


def _relative(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else as it is."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def merged_text(profile: str = "paper", root: str | Path | None = None, overlays=()) -> str:
    """The merged config of a profile as one YAML document, for a person to read.

    For the paper profile without overlays: every file's own text, comments and all, one
    after the other (the root's, then each plugin's section: their top-level keys differ,
    so the result is the merged config). Otherwise the merged values, each section headed
    by the files it came from, in the order they were applied (the comments are in those
    files). Either way ``yaml.safe_load`` of the text equals :func:`default_config` with
    the overlays applied.

    Parameters
    ----------
    profile : str
        ``paper`` or another profile (``quick``).
    root : path, optional
        The folder of the root config files (``config/``); None: the plugins only.
    overlays : sequence of paths
        Config files applied last, as ``--configfile`` applies them.
    """
    rule = "# " + "-" * 86
    if profile == "paper" and not overlays:
        parts = []
        files = ([Path(root) / "config.yaml"] if root is not None else []) + [
            p.config_file for p in plugins()
        ]
        for path in files:
            read_yaml_strictly(path)  # a duplicate key is refused here too
            parts.append(f"{rule}\n# from {_relative(path)}\n{rule}\n{path.read_text().strip()}\n")
        return "\n".join(parts)
    merged = default_config(profile, root)
    _deep_update(merged, load_config(*overlays)) if overlays else None
    sources: dict[str, list[str]] = {}
    if root is not None:
        for name in ("config.yaml", f"{profile}.yaml"):
            path = Path(root) / name
            if path.exists() and (name == "config.yaml" or profile != "paper"):
                for key in read_yaml_strictly(path) or {}:
                    sources.setdefault(key, []).append(_relative(path))
    for plugin in plugins():
        sources.setdefault(plugin.name, []).append(_relative(plugin.config_file))
        if plugin.profile_file(profile):
            sources[plugin.name].append(_relative(plugin.profile_file(profile)))
    for path in overlays:
        for key in read_yaml_strictly(path) or {}:
            sources.setdefault(key, []).append(_relative(path))
    parts = [
        f"# The merged config of profile {profile!r}: values only. The comments (units, sources)"
        "\n# are in the files named above each section; `python -m hwiloc config` shows them."
    ]
    for key, value in merged.items():
        head = f"{rule}\n# {key}: from " + ", then ".join(sources.get(key, ["?"])) + f"\n{rule}"
        body = yaml.safe_dump({key: value}, sort_keys=False, default_flow_style=False, width=100)
        parts.append(f"{head}\n{body.strip()}\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """``python -m hwiloc config``: print the merged, commented config (see ``--help``)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m hwiloc config",
        description="Print the config the workflow runs with: the root keys (config/), then "
        "each paper's and study's section from its package, with a profile's overrides and "
        "your own files on top, as Snakemake merges them.",
    )
    parser.add_argument("--profile", default=None,
                        help="paper (default) or quick; default: the 'profile' key of "
                        "the root config and the --configfile files")  # fmt: skip
    parser.add_argument("--root", default="config",
                        help="folder of the root config files (default: config/ of the "
                        "working directory; 'none' for the sections only)")  # fmt: skip
    parser.add_argument("--configfile", nargs="*", default=[], metavar="FILE",
                        help="your own config files, applied last")  # fmt: skip
    args = parser.parse_args(argv)
    root = None if args.root == "none" or not Path(args.root, "config.yaml").exists() \
        else Path(args.root)  # fmt: skip
    try:
        overlays = [Path(f) for f in args.configfile]
        profile = args.profile
        if profile is None:
            profile = load_config(*([root / "config.yaml"] if root else []), *overlays).get(
                "profile", "paper"
            )
        own = (root / f"{profile}.yaml").resolve() if root else None  # merged by default_config
        overlays = [f for f in overlays if f.resolve() != own]
        print(merged_text(profile, root, overlays))
    except ConfigError as error:
        print(f"python -m hwiloc config: {error}", file=sys.stderr)
        return 1
    return 0
