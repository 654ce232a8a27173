"""zhang2025's hooks: what the shared layers take from this paper (:mod:`hwiloc.plugins`).

- :data:`ATTRIBUTES`: the units and long names of the variables only its files hold;
- :func:`config_problems`: the relations between its config values that a schema cannot
  state (the ULA on the x axis, centred at the origin, Sec. II-A; the SAF grids; the
  measured-CSI stage's captures);
- :func:`resource_estimates`: the memory and disk of its heavy jobs (emulated captures,
  calibration and evaluation of measured CSI);
- :data:`SLURM_GROUP_COMPONENTS`: how many of its grouped jobs one cluster job runs.

This module is light (no numerics): the workflow imports it when it builds the DAG.
"""

from __future__ import annotations

from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.resources import COMPLEX, WORKING, Estimate

ATTRIBUTES: dict[str, dict[str, str]] = {
    "crlb_rmse": {"units": "m", "long_name": "CRLB of the position RMSE, eq. (13)"},
    "crlb_rmse_ideal": {"units": "m", "long_name": "CRLB of the position RMSE without offsets"},
    "saf_normalized_db": {"units": "dB", "long_name": "SAF relative to its peak"},
    "pmsr_db": {"units": "dB", "long_name": "PMSR, eq. (18) as written (A squared)"},
    "pmsr_amplitude_db": {
        "units": "dB",
        "long_name": "PMSR, eq. (18) applied to the amplitude |sum| (power ratio)",
    },
    "pmsr_ideal_db": {
        "units": "dB",
        "long_name": "offset-free PMSR on the grid, eq. (18) as written",
    },
    "pmsr_ideal_amplitude_db": {
        "units": "dB",
        "long_name": "offset-free PMSR on the grid, eq. (18) on the amplitude",
    },
    "pmsr_alternative_db": {
        "units": "dB",
        "long_name": "PMSR, eq. (18) in the shipped form, of the same image under an alternative "
                     "R and Omega",
    },
    "region_scale": {"units": "1", "long_name": "SAF region R scaled about the UE"},
    "main_lobe_radius": {"units": "m", "long_name": "radius of the main lobe Omega"},
}

SLURM_GROUP_COMPONENTS = {
    "zhang2025": 8,  # CRLB, SAF images, PMSR shards
    "zhang2025_measured": 1,  # emulate, calibrate, evaluate: connected, one job
}


def config_problems(config: dict) -> list[str]:
    """Every relation between the values of ``config["zhang2025"]`` that fails (none: [])."""
    return _relations(config["zhang2025"]) if "zhang2025" in config else []


def _relations(z: dict) -> list[str]:
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
            continue  # reported by the generic region check
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
    sweep = z["pmsr_sweep"]
    if sweep["monte_carlo_realizations"] > sweep["num_realizations"]:
        problems.append(
            f"{key}.pmsr_sweep.monte_carlo_realizations': got "
            f"{sweep['monte_carlo_realizations']!r}; expected at most pmsr_sweep.num_realizations "
            f"= {sweep['num_realizations']!r} (the localizer runs on noisy CSI of the first ones)"
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
            continue  # reported by the generic region check
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



def _inside(position, region) -> bool:
    return (
        region["x_min"] <= position[0] <= region["x_max"]
        and region["y_min"] <= position[1] <= region["y_max"]
    )


def resource_estimates(config: dict) -> list[Estimate]:
    """The estimates of its heavy job families (a validated config)."""
    if "zhang2025" not in config:
        return []
    z = config["zhang2025"]
    return [e for e in (_emulated_captures(z), _measured(z)) if e is not None]


def _emulated_captures(z: dict) -> Estimate | None:
    m = z["measured"]
    if m["source"] != "emulator":
        return None
    s, emu = z["system"], m["emulator"]
    n, k, symbols = int(s["num_antennas"]), int(s["num_subcarriers"]), int(emu["num_symbols"])
    chunk = min(int(m["chunk_symbols"]), symbols)
    captures = len(emu["captures"])
    # csi complex64 (+1 % chunk index and checksums), positions and drift, 1 MB of metadata
    disk = captures * (1.01 * 8 * n * k * symbols + 40 * symbols + 1e6)
    memory = COMPLEX * n * k * (6 + 5 * chunk)  # z pairs (2), noise, block; clean, offsets
    return Estimate(
        "zhang2025 emulated capture", WORKING * memory, disk,
        "zhang2025.measured.emulator.num_symbols",
        f"{captures} captures x N {n} x K {k} x L {symbols} symbols",
        ("zhang2025_emulate_capture",),
    )  # fmt: skip


def _measured(z: dict) -> Estimate:
    s, m = z["system"], z["measured"]
    n, k = int(s["num_antennas"]), int(s["num_subcarriers"])
    chunk = int(m["chunk_symbols"])
    grid_chunk = 1 << 15  # hwiloc.ambiguity's points per chunk
    memory = COMPLEX * (n * k * (4 + 3 * chunk) + 4 * n * grid_chunk)
    return Estimate("zhang2025 measured-CSI (calibrate, evaluate)", WORKING * memory, 0.0,
                    "zhang2025.measured.chunk_symbols",
                    f"chunks of {chunk} symbols x N {n} x K {k}",
                    ("zhang2025_calibrate", "zhang2025_evaluate"))  # fmt: skip
