"""The parameter studies' hooks: the relations of the root config's ``studies`` section.

- :data:`ENTRY_FIELDS`: the entry fields each study kind uses;
- :func:`config_problems`: each study entry has them, and a search window that fits;
- :func:`row_problems`: a study table's row against the values of the config it reads;
- :data:`SLURM_GROUP_COMPONENTS`: how many grouped study jobs one cluster job runs.

This module is light (no numerics): the workflow imports it when it builds the DAG, and
:func:`hwiloc.plugins.hook` finds it beside the plugins' hooks.
"""

from __future__ import annotations

DEFAULT_CHUNK_ROWS = 100  # rows per chunk job when a study entry sets no chunk_rows [-]
MAX_GRID_POINTS = 10_000_000  # as hwiloc.config's: a guard against a mistyped step [-]

SLURM_GROUP_COMPONENTS = {
    "studies": 18,  # parameter-study chunks and the impairment catalogue's sweeps (10 and 8
    # in the quick DAG: one cluster job)
}

ENTRY_FIELDS = {
    "zhang2025_wideband": ("num_realizations",),
    "zhang2025_array": ("num_realizations",),
    "chen2022_tolerance": ("num_realizations",),
    "saf_mcrb": ("num_trials", "search_halfwidth", "search_step"),
    "zhang2025_crlb": (),
}

REQUIRED_COLUMNS = {  # the columns of each kind's table (its row schema's required)
    "zhang2025_wideband": ("bandwidth_hz", "offset_std"),
    "zhang2025_array": ("num_antennas", "antenna_spacing", "offset_std"),
    "chen2022_tolerance": ("impairment", "power_dbm"),
    "saf_mcrb": ("offset_std", "snr_db"),
    "zhang2025_crlb": ("ue_x", "ue_y", "offset_type", "offset_std"),
}

STUDY_KINDS = tuple(ENTRY_FIELDS)  # the allowed values of studies.<name>.kind (the schema's enum)


def config_problems(config: dict) -> list[str]:
    """Every study entry of ``config["studies"]`` that lacks a field or has a bad window."""
    return _relations(config["studies"]) if "studies" in config else []


def row_problems(row: dict, config: dict) -> list[str]:
    """What is wrong with one typed row of a study table, given the config (each a message
    "column 'c': ...")."""
    carrier = config.get("zhang2025", {}).get("system", {}).get("carrier_frequency")
    bandwidth = row.get("bandwidth_hz")
    if isinstance(bandwidth, int | float) and carrier and bandwidth >= carrier:
        return [
            f"column 'bandwidth_hz': got {bandwidth!r}; expected < "
            f"zhang2025.system.carrier_frequency = {carrier!r} Hz"
        ]
    return []


def _relations(studies: dict) -> list[str]:
    """Each study entry has the fields its kind uses."""
    problems = []
    for name, entry in studies.items():
        missing = [k for k in ENTRY_FIELDS.get(entry.get("kind"), ()) if k not in entry]
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

