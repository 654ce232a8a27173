"""Bad inputs a new user might give, per category, and how each one is refused.

Used by tests/test_bad_inputs.py (one test per case) and, run as a script,
prints the tally the issue asks for:

    python tests/bad_inputs.py

Outcomes:
- ``before``: refused before any job (config or study-table validation, a
  capture's header check at DAG build), with a message naming the key or file;
- ``in_job``: refused inside a job with a clear message, before anything is
  written (a capture's content scan; a library function's own error or
  warning with a finite or inf value);
- ``traceback``: any other exception (a raw traceback for the user);
- ``silent``: accepted (garbage or NaN out).
"""

from __future__ import annotations

import copy
import math
import warnings
from pathlib import Path

import h5netcdf
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

# --- config values: (override merged onto the quick profile, key the message must name) ---
CONFIG_CASES = [
    ({"zhang2052": {"snr_db": 5.0}}, "zhang2052"),
    ({"zhang2025": {"snr": 5.0}}, "snr"),
    ({"zhang2025": {"system": {"num_antennas": 1}}}, "zhang2025.system.num_antennas"),
    ({"zhang2025": {"system": {"num_antennas": 2.5}}}, "zhang2025.system.num_antennas"),
    ({"zhang2025": {"system": {"carrier_frequency": -3.5e9}}}, "system.carrier_frequency"),
    ({"zhang2025": {"system": {"subcarrier_spacing": 0.0}}}, "system.subcarrier_spacing"),
    ({"zhang2025": {"system": {"subcarrier_spacing": 1.0e8}}}, "zhang2025.system.num_subcarriers"),
    ({"zhang2025": {"ue_position": [1.0, 0.0]}}, "zhang2025.ue_position"),
    ({"zhang2025": {"ue_position": [0.0, 0.0]}}, "zhang2025.ue_position"),
    ({"zhang2025": {"ue_position": [0.035, 0.0]}}, "zhang2025.ue_position"),  # on an element
    ({"zhang2025": {"ue_position": [50.0, 40.0]}}, "zhang2025.ue_position"),
    ({"zhang2025": {"ue_position": [1.0]}}, "zhang2025.ue_position"),
    ({"zhang2025": {"snr_db": "high"}}, "zhang2025.snr_db"),
    ({"zhang2025": {"snr_db": math.nan}}, "zhang2025.snr_db"),
    ({"zhang2025": {"snr_db": 1.0e9}}, "zhang2025.snr_db"),
    ({"zhang2025": {"amplitude_model": "rayleigh"}}, "zhang2025.amplitude_model"),
    ({"zhang2025": {"crlb": {"offset_std": {"start": 2.0, "stop": 1.0}}}}, "crlb.offset_std"),
    ({"zhang2025": {"crlb": {"offset_std": {"num": 1}}}}, "crlb.offset_std.num"),
    ({"zhang2025": {"crlb": {"num_antennas": [1]}}}, "zhang2025.crlb.num_antennas"),
    ({"zhang2025": {"saf": {"region": {"x_min": 3.0}}}}, "zhang2025.saf.region"),
    ({"zhang2025": {"saf": {"region": {"step": 0.0}}}}, "zhang2025.saf.region.step"),
    ({"zhang2025": {"saf": {"region": {"step": 50.0}}}}, "zhang2025.saf.region"),
    ({"zhang2025": {"saf": {"region": {"step": 1.0e-5}}}}, "zhang2025.saf.region"),
    ({"zhang2025": {"saf": {"main_lobe_radius": 10.0}}}, "zhang2025.saf.main_lobe_radius"),
    ({"zhang2025": {"saf": {"main_lobe_radius": 0.01}}}, "zhang2025.saf.main_lobe_radius"),
    (
        {"zhang2025": {"saf": {"cases": {"fig5": {"offset_type": "thermal"}}}}},
        "saf.cases.fig5.offset_type",
    ),
    ({"zhang2025": {"saf": {"cases": {"fig5": {"offset_std": 1.0e6}}}}}, "fig5.offset_std"),
    ({"zhang2025": {"pmsr_sweep": {"num_shards": 10}}}, "zhang2025.pmsr_sweep.num_shards"),
    (
        {"zhang2025": {"pmsr_sweep": {"monte_carlo_realizations": 5}}},
        "zhang2025.pmsr_sweep.monte_carlo_realizations",
    ),
    (
        {"zhang2025": {"pmsr_sweep": {"monte_carlo_realizations": -1}}},
        "zhang2025.pmsr_sweep.monte_carlo_realizations",
    ),
    ({"zhang2025": {"pmsr_sweep": {"offset_std": [0.1]}}}, "zhang2025.pmsr_sweep.offset_std"),
    ({"zhang2025": {"pmsr_sweep": {"region": {"y_min": 5.0}}}}, "zhang2025.pmsr_sweep.region"),
    ({"zhang2025": {"measured": {"region": {"x_max": -5.0}}}}, "zhang2025.measured.region"),
    (
        {"zhang2025": {"measured": {"emulator": {"room": {"x_min": 9.0}}}}},
        "zhang2025.measured.emulator.room",
    ),
    ({"zhang2025": {"measured": {"source": "hdf5"}}}, "zhang2025.measured.source"),
    ({"zhang2025": {"measured": {"calibration_capture": "cap9"}}}, "calibration_capture"),
    ({"zhang2025": {"measured": {"evaluation_captures": ["capX"]}}}, "evaluation_captures"),
    ({"zhang2025": {"measured": {"num_snapshots": 500}}}, "zhang2025.measured.num_snapshots"),
    ({"zhang2025": {"measured": {"refine_step": 0.5}}}, "zhang2025.measured.refine_step"),
    (
        {"zhang2025": {"measured": {"emulator": {"captures": {"cap1": [1.0, 0.0]}}}}},
        "zhang2025.measured.emulator.captures.cap1",
    ),
    (
        {"zhang2025": {"measured": {"emulator": {"captures": {"cap1": [30.0, 30.0]}}}}},
        "zhang2025.measured.emulator.captures.cap1",
    ),
    ({"zhang2025": {"measured": {"num_symbols": 500}}}, "zhang2025.measured.num_symbols"),
    ({"zhang2025": {"measured": {"chunk_symbols": 0}}}, "zhang2025.measured.chunk_symbols"),
    ({"zhang2025": {"measured": {"source": "netcdf"}}}, "zhang2025.measured.netcdf"),
    ({"chen2022": {"system": {"num_antennas": 1}}}, "chen2022.system.num_antennas"),
    ({"chen2022": {"system": {"ue_position": [0.0, 2.0]}}}, "chen2022.system.ue_position"),
    ({"chen2022": {"system": {"ue_position": [-5.0, 2.0]}}}, "chen2022.system.ue_position"),
    ({"chen2022": {"system": {"ue_position": [0.0, 0.0]}}}, "chen2022.system.ue_position"),
    ({"chen2022": {"system": {"ue_position": [0.001, 5.0]}}}, "chen2022.system.ue_position"),
    ({"chen2022": {"system": {"ue_position": [500.0, 0.0]}}}, "chen2022.system.ue_position"),
    ({"chen2022": {"system": {"carrier_frequency": 5.0e8}}}, "chen2022.system.bandwidth"),
    ({"chen2022": {"montecarlo": {"grid_tau_max": 1.0e-8}}}, "chen2022.montecarlo.grid_tau_max"),
    ({"chen2022": {"montecarlo": {"num_shards": 10}}}, "chen2022.montecarlo.num_shards"),
    ({"chen2022": {"individual": {"num_shards": 5}}}, "chen2022.individual.num_shards"),
    ({"chen2022": {"pn_sweep": {"num_shards": 3}}}, "chen2022.pn_sweep.num_shards"),
    (
        {"chen2022": {"impairments": {"pa_coefficients": {"1": [0.0, 0.0]}}}},
        "chen2022.impairments.pa_coefficients",
    ),
    (
        {"chen2022": {"impairments": {"pa_coefficients": {"0": [1.0, 0.0]}}}},
        "chen2022.impairments.pa_coefficients",
    ),
    ({"chen2022": {"impairments": {"phase_noise_std": -0.1}}}, "chen2022.impairments"),
    ({"chen2022": {"impairments": {"cfo_std": "abc"}}}, "chen2022.impairments.cfo_std"),
    ({"chen2022": {"power_dbm": []}}, "chen2022.power_dbm"),
    ({"chen2022": {"power_dbm": [0.0, 10.0, 10.0]}}, "chen2022.power_dbm"),
    ({"chen2022": {"pn_sweep": {"phase_noise_std": [0.01, 0.01]}}}, "pn_sweep.phase_noise_std"),
    ({"zhang2025": {"pmsr_sweep": {"offset_std": [0.5, 0.5]}}}, "pmsr_sweep.offset_std"),
    (
        {"studies": {"saf_mcrb": {"search_halfwidth": 100.0, "search_step": 0.001}}},
        "studies.saf_mcrb.search_step",
    ),
    ({"chen2022": {"seed": -1}}, "chen2022.seed"),
    ({"studies": {"wideband": {"kind": "zhang2025_wide"}}}, "studies.wideband.kind"),
    ({"studies": {"saf_mcrb": {"search_step": 1.0}}}, "studies.saf_mcrb.search_step"),
    ({"studies": {"wideband": {"num_realizations": 0}}}, "studies.wideband.num_realizations"),
    ({"studies": {"wideband": {"chunk_rows": 0}}}, "studies.wideband.chunk_rows"),
    ({"studies": {"wideband": {"chunk_rows": 2.5}}}, "studies.wideband.chunk_rows"),
    ({"studies": {"tolerance": {"tabel": "x.tsv"}}}, "studies.tolerance"),
    (
        {
            "studies": {
                "extra": {"kind": "saf_mcrb", "table": "config/studies/saf_mcrb.tsv", "seed": 1}
            }
        },
        "studies.extra",
    ),
    ({"studies": {"wideband": {"table": "config/studies/absent.tsv"}}}, "studies.wideband.table"),
    ({"studies": {"wideband": {"table": "config"}}}, "studies.wideband.table"),
    ({"studies": {"wideband": {"table": "a\x00b.tsv"}}}, "studies.wideband.table"),
    ({"hwi_catalogue": {"impairments": {"adc": {"levels": [4, 2, 8]}}}},
     "hwi_catalogue.impairments.adc.levels"),
    ({"hwi_catalogue": {"impairments": {"adc": {"levels": [1.5, 4]}}}},
     "hwi_catalogue.impairments.adc.levels"),
    ({"hwi_catalogue": {"impairments": {"array_gain": {"typical": 50.0}}}},
     "hwi_catalogue.impairments.array_gain.typical"),
    ({"hwi_catalogue": {"impairments": {"pll_pn": {"loop_bandwidth": 1.0e+9}}}},
     "hwi_catalogue.impairments.pll_pn.loop_bandwidth"),
    ({"hwi_catalogue": {"impairments": {"tx_iqi": {"phase": 0.2}}}},
     "hwi_catalogue.impairments.tx_iqi.levels"),
    ({"hwi_catalogue": {"impairments": {"rx_iqi": {"amplitude_db": 20.0}}}},  # 320 dB at 16
     "hwi_catalogue.impairments.rx_iqi.levels"),
    ({"hwi_catalogue": {"impairments": {"array_phase": {"levels": [0.0, 0.5, 2.0]}}}},
     "hwi_catalogue.impairments.array_phase.levels"),  # uniform law beyond (-pi, pi)
    ({"hwi_catalogue": {"impairments": {"element_position": {"levels": [0.0, 0.01, 0.5]}}}},
     "hwi_catalogue.impairments.element_position.levels"),  # beyond half the spacing
    ({"hwi_catalogue": {"impairments": {"wiener_pn": {"levels": [0.0, 1.0e+6, 1.0e+9]}}}},
     "hwi_catalogue.impairments.wiener_pn.levels"),  # 2 pi beta T_s = 6.3 rad^2
    ({"hwi_catalogue": {"impairments": {"dac": {"levels": [1, 2], "typical": 1}}}},
     "hwi_catalogue.impairments"),
    ({"hwi_catalogue": {"power_dbm": [0.0, 0.0]}}, "hwi_catalogue.power_dbm"),
    ({"hwi_catalogue": {"num_realizations": 0}}, "hwi_catalogue.num_realizations"),
]

# --- study-table cells: (kind, TSV text, what the message must name) ---------------------
STUDY_CASES = [
    ("zhang2025_array", "num_antennas\tantenna_spacing\toffset_std\nabc\t0.07\t0.1\n", "'abc'"),
    ("zhang2025_array", "num_antennas\tantenna_spacing\toffset_std\n16\t-8\t0.1\n", "-8"),
    ("zhang2025_array", "num_antennas\tantenna_spacing\toffset_std\n16\t0.07\tNA\n", "NA"),
    ("zhang2025_array", "num_antennas\tantenna_spacing\toffset_std\n2.5\t0.07\t0.1\n", "2.5"),
    ("zhang2025_array", "num_antennas\tantenna_spacing\toffset_std\n1\t0.07\t0.1\n", ">= 2"),
    ("saf_mcrb", "offset_std\tsnr_db\n1e6\t0\n", "1000000.0"),
    ("saf_mcrb", "offset_std\tsnr_db\n0.1\tinf\n", "'inf'"),
    ("chen2022_tolerance", "impairment\tpower_dbm\npn\t1000\n", "1000"),
    ("chen2022_tolerance", "impairment\tpower_dbm\nthermal\t10\n", "'thermal'"),
    ("chen2022_tolerance", "impairment\tpower_dbm\npn\t\n", "empty"),
    ("chen2022_tolerance", "impairment\tpower\npn\t10\n", "missing ['power_dbm']"),
    ("chen2022_tolerance", "impairment\tpower_dbm\textra\npn\t10\t1\n", "unknown ['extra']"),
    ("chen2022_tolerance", "impairment\tpower_dbm\npn\t10\npn\t10\n", "repeats line 2"),
    ("chen2022_tolerance", "impairment\tpower_dbm\npn\t10\t3\n", "3 cell(s)"),
    ("chen2022_tolerance", "impairment\tpower_dbm\n", "no rows"),
    ("chen2022_tolerance", "", "empty"),
    ("zhang2025_wideband", "bandwidth_hz\toffset_std\n4e9\t0.1\n", "carrier_frequency"),
    ("zhang2025_wideband", "bandwidth_hz\toffset_std\n-1e6\t0.1\n", "> 0"),
]
STUDY_NAMES = {
    "zhang2025_wideband": "wideband",
    "zhang2025_array": "array_design",
    "chen2022_tolerance": "tolerance",
    "saf_mcrb": "saf_mcrb",
}


def quick_config() -> dict:
    from hwiloc.config import default_config

    return default_config("quick", ROOT / "config")


def merged(base: dict, override: dict) -> dict:
    """``base`` updated key by key by ``override`` (as Snakemake merges --configfile)."""
    out = copy.deepcopy(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merged(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def validate_as_snakefile(config: dict) -> None:
    """What workflow/rules/common.smk runs before the DAG, the same call."""
    from hwiloc.config import check_workflow_config

    check_workflow_config(config, ROOT)


def config_outcome(override: dict, key: str, base: dict | None = None) -> tuple[str, str]:
    """(outcome, message) of one config case."""
    from hwiloc.config import ConfigError

    try:
        validate_as_snakefile(merged(base or quick_config(), override))
    except ConfigError as error:
        return ("before" if key in str(error) else "traceback"), str(error)
    except Exception as error:
        return "traceback", f"{type(error).__name__}: {error}"
    return "silent", ""


def study_outcome(kind: str, text: str, fragment: str, folder: Path, base=None):
    path = Path(folder) / f"{kind}.tsv"
    path.write_text(text)
    override = {"studies": {STUDY_NAMES[kind]: {"table": str(path)}}}
    outcome, message = config_outcome(override, "studies", base)
    if outcome == "before" and (str(path) not in message or fragment not in message):
        outcome = "traceback"
    return outcome, message


# --- captures -------------------------------------------------------------------------
N, K, L = 4, 6, 10


def grid():
    from hwiloc.ofdm import OfdmGrid

    return OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=K)


def write_netcdf(
    path,
    *,
    csi=None,
    dims=("antenna", "subcarrier", "symbol"),
    positions=None,
    antennas=None,
    frequencies=None,
    drop=(),
):
    """A small capture in this project's NetCDF layout, with the given parts replaced."""
    from hwiloc.geometry import ula_positions

    rng = np.random.default_rng(1)
    if csi is None:
        csi = rng.standard_normal((N, K, L)) + 1j * rng.standard_normal((N, K, L))
    shape = dict(zip(dims, np.shape(csi), strict=True))
    positions = (
        np.tile([-2.0, 1.0], (shape.get("symbol", L), 1)) if positions is None else positions
    )
    antennas = ula_positions(shape.get("antenna", N), 0.07) if antennas is None else antennas
    frequencies = grid().frequencies if frequencies is None else frequencies
    with h5netcdf.File(path, "w", invalid_netcdf=True) as f:
        f.dimensions = {
            **shape,
            "axis": 2,
            "sample": np.shape(positions)[0],
            "element": np.shape(antennas)[0],
            "freq": np.shape(frequencies)[0],
        }
        variables = {
            "csi": (dims, csi),
            "antenna_position": (("element", "axis"), antennas),
            "subcarrier_frequency": (("freq",), frequencies),
            "ue_position": (("sample", "axis"), positions),
        }
        for name, (var_dims, data) in variables.items():
            if name not in drop:
                f.create_variable(name, var_dims[: np.ndim(data)], data=data)
    return Path(path)


def write_declared_symbols(path, num_symbols: int):
    """A capture that declares ``num_symbols`` symbols and holds only the first one."""
    from hwiloc.geometry import ula_positions

    with h5netcdf.File(path, "w", invalid_netcdf=True) as f:
        f.dimensions = {"antenna": N, "subcarrier": K, "symbol": num_symbols, "axis": 2}
        csi = f.create_variable(
            "csi", ("antenna", "subcarrier", "symbol"), dtype=np.complex128, chunks=(N, K, 1024)
        )
        csi[:, :, 0] = np.ones((N, K)) + 0j
        f.create_variable("antenna_position", ("antenna", "axis"), data=ula_positions(N, 0.07))
        f.create_variable("subcarrier_frequency", ("subcarrier",), data=grid().frequencies)
        pos = f.create_variable("ue_position", ("symbol", "axis"), dtype=float, chunks=(2**20, 2))
        pos[...] = np.broadcast_to([-2.0, 1.0], (num_symbols, 2))
    return Path(path)


def kuleuven_folder(folder, num_samples: int = 5) -> Path:
    """A small folder in the KU Leuven layout: 5 samples of N x K, positions in mm."""
    from hwiloc.geometry import ula_positions

    folder = Path(folder)
    (folder / "samples").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(num_samples):
        sample = rng.standard_normal((N, K)) + 1j * rng.standard_normal((N, K))
        np.save(folder / "samples" / f"channel_measurement_{i:06d}.npy", sample)
    np.save(
        folder / "user_positions.npy",
        np.column_stack(
            [np.full(num_samples, -2000.0), np.full(num_samples, 1000.0), np.zeros(num_samples)]
        ),
    )
    np.save(
        folder / "antenna_positions.npy",
        np.column_stack([ula_positions(N, 0.07) * 1000, np.zeros(N)]),
    )
    return folder


def _truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _pickle_npy(path: Path, value) -> None:
    np.save(path, np.array([value, "x"], dtype=object), allow_pickle=True)


def _nc(**kwargs):
    return lambda d: ("netcdf", write_netcdf(d / "cap.nc", **kwargs))


def _edited(kind: str, write, edit):
    """A builder: write a good capture into the case's folder, then spoil it with ``edit``."""

    def make(d):
        path = write(d)
        edit(path)
        return kind, path

    return make


def _nc_then(edit):
    return _edited("netcdf", lambda d: write_netcdf(d / "cap.nc"), edit)


def _ku(edit):
    return _edited("kuleuven", lambda d: kuleuven_folder(d / "ku"), edit)


_S = "samples/channel_measurement_000002.npy"
_C = np.random.default_rng(2).standard_normal((N, K, L)) + 0j
_C_NAN, _C_ZERO = _C.copy(), _C.copy()
_C_NAN[1, 2, 3] = np.nan
_C_ZERO[:, :, 4] = 0
_NONUNIFORM = grid().frequencies.copy()
_NONUNIFORM[3] += 5e4

# (description, builder(folder) -> (source, path), file name the message must contain)
CAPTURE_CASES = [
    (
        "csi dims in another order",
        _nc(dims=("symbol", "antenna", "subcarrier"), csi=np.ones((L, N, K)) + 0j),
        "cap.nc",
    ),
    ("real-valued csi", _nc(csi=np.ones((N, K, L))), "cap.nc"),
    ("integer csi", _nc(csi=np.ones((N, K, L), dtype=np.int32)), "cap.nc"),
    ("one antenna", _nc(csi=np.ones((1, K, L)) + 0j), "cap.nc"),
    ("zero symbols", _nc(csi=np.ones((N, K, 0)) + 0j, positions=np.zeros((0, 2))), "cap.nc"),
    ("missing ue_position", _nc(drop=("ue_position",)), "cap.nc"),
    ("missing csi", _nc(drop=("csi",)), "cap.nc"),
    ("ue_position rows != symbols", _nc(positions=np.zeros((L - 1, 2))), "cap.nc"),
    ("ue_position 1-D", _nc(positions=np.zeros(L)), "cap.nc"),
    ("NaN ue_position", _nc(positions=np.full((L, 2), np.nan)), "cap.nc"),
    ("antenna_position wrong shape", _nc(antennas=np.zeros((N + 1, 2))), "cap.nc"),
    ("NaN antenna_position", _nc(antennas=np.full((N, 2), np.nan)), "cap.nc"),
    ("frequencies wrong count", _nc(frequencies=grid().frequencies[:-1]), "cap.nc"),
    ("non-uniform frequencies", _nc(frequencies=_NONUNIFORM), "cap.nc"),
    ("decreasing frequencies", _nc(frequencies=grid().frequencies[::-1].copy()), "cap.nc"),
    ("NaN csi sample", _nc(csi=_C_NAN), "cap.nc"),
    ("all-zero symbol", _nc(csi=_C_ZERO), "cap.nc"),
    ("all-zero capture", _nc(csi=np.zeros((N, K, L)) + 0j), "cap.nc"),
    ("truncated file", _nc_then(_truncate), "cap.nc"),
    ("text, not HDF5", _nc_then(lambda p: p.write_text("not a capture")), "cap.nc"),
    ("empty file", _nc_then(lambda p: p.write_bytes(b"")), "cap.nc"),
    ("fewer symbols than asked", lambda d: ("netcdf-20", write_netcdf(d / "cap.nc")), "cap.nc"),
    (
        "10^7 declared symbols, one written",
        lambda d: ("netcdf-all", write_declared_symbols(d / "cap.nc", 10**7)),
        "cap.nc",
    ),
    (
        "held-out grid differs",
        lambda d: (
            "pair",
            write_netcdf(d / "cap.nc"),
            write_netcdf(d / "other.nc", frequencies=grid().frequencies + 1e6),
        ),
        "other.nc",
    ),
    (
        "held-out array differs",
        lambda d: (
            "pair",
            write_netcdf(d / "cap.nc"),
            write_netcdf(
                d / "other.nc", antennas=np.column_stack([np.zeros(N), np.arange(N) * 0.07])
            ),
        ),
        "other.nc",
    ),
    ("UE outside the localization region", _nc(positions=np.tile([40.0, 1.0], (L, 1))), "cap.nc"),
    ("kuleuven truncated sample", _ku(lambda f: _truncate(f / _S)), "channel_measurement_000002"),
    (
        "kuleuven pickled sample",
        _ku(lambda f: _pickle_npy(f / _S, 1j)),
        "channel_measurement_000002",
    ),
    (
        "kuleuven sample wrong shape",
        _ku(lambda f: np.save(f / _S, np.ones((N, K + 1)) + 0j)),
        "channel_measurement_000002",
    ),
    (
        "kuleuven real sample",
        _ku(lambda f: np.save(f / _S, np.ones((N, K)))),
        "channel_measurement_000002",
    ),
    (
        "kuleuven sample not npy",
        _ku(lambda f: (f / _S).write_text("x")),
        "channel_measurement_000002",
    ),
    ("kuleuven missing sample", _ku(lambda f: (f / _S).unlink()), "channel_measurement_000002"),
    ("kuleuven NaN sample", _ku(lambda f: np.save(f / _S, np.full((N, K), np.nan + 0j))), "ku"),
    ("kuleuven zero sample", _ku(lambda f: np.save(f / _S, np.zeros((N, K)) + 0j)), "ku"),
    (
        "user_positions truncated",
        _ku(lambda f: _truncate(f / "user_positions.npy")),
        "user_positions.npy",
    ),
    (
        "user_positions pickled",
        _ku(lambda f: _pickle_npy(f / "user_positions.npy", 1.0)),
        "user_positions.npy",
    ),
    (
        "user_positions 1-D",
        _ku(lambda f: np.save(f / "user_positions.npy", np.zeros(5))),
        "user_positions.npy",
    ),
    (
        "user_positions too few rows",
        _ku(lambda f: np.save(f / "user_positions.npy", np.zeros((3, 3)))),
        "user_positions.npy",
    ),
    (
        "user_positions NaN",
        _ku(lambda f: np.save(f / "user_positions.npy", np.full((5, 3), np.nan))),
        "user_positions.npy",
    ),
    (
        "user_positions text",
        _ku(lambda f: np.save(f / "user_positions.npy", np.full((5, 3), "a"))),
        "user_positions.npy",
    ),
    (
        "user_positions missing",
        _ku(lambda f: (f / "user_positions.npy").unlink()),
        "user_positions.npy",
    ),
    (
        "antenna_positions wrong shape",
        _ku(lambda f: np.save(f / "antenna_positions.npy", np.zeros(N))),
        "antenna_positions.npy",
    ),
    (
        "antenna_positions NaN",
        _ku(lambda f: np.save(f / "antenna_positions.npy", np.full((N, 3), np.nan))),
        "antenna_positions.npy",
    ),
    (
        "antenna_positions pickled",
        _ku(lambda f: _pickle_npy(f / "antenna_positions.npy", 1.0)),
        "antenna_positions.npy",
    ),
    (
        "antenna_positions truncated",
        _ku(lambda f: _truncate(f / "antenna_positions.npy", 0.8)),
        "antenna_positions.npy",
    ),
]


def capture_cfg(kind: str, path: Path, other: Path | None = None) -> tuple[dict, dict]:
    """The zhang2025 config section for a user capture, and its capture paths (name -> path)."""
    z = copy.deepcopy(quick_config()["zhang2025"])
    z["system"].update(
        num_antennas=N, num_subcarriers=K, carrier_frequency=3.5e9, subcarrier_spacing=180e3
    )
    m = z["measured"]
    m.update(
        calibration_capture="a",
        evaluation_captures=[],
        chunk_symbols=4096,
        num_symbols={"netcdf-20": 20, "netcdf-all": 0}.get(kind, L if kind != "kuleuven" else 5),
    )
    if kind == "kuleuven":
        m.update(source="kuleuven")
        m["kuleuven"].update(
            path=str(path),
            position_unit="mm",
            captures={"a": {"first_sample": 0, "num_samples": 5}},
        )
        return z, {"a": path / "user_positions.npy"}
    m.update(source="netcdf")
    paths = {"a": path} if other is None else {"a": path, "b": other}
    return z, paths


def capture_outcome(build, fragment: str, folder: Path) -> tuple[str, str]:
    """Check the capture as the DAG build does (headers), then open it as a job does (content)."""
    from hwiloc.io.csi import CaptureError
    from hwiloc.papers.zhang2025.measured import check_capture_headers, open_capture

    made = build(Path(folder))
    cfg, paths = capture_cfg(made[0], *made[1:])
    stage = "before"
    try:
        check_capture_headers(cfg, paths)
        stage = "in_job"
        for name, path in paths.items():
            open_capture(cfg, name, path)
    except CaptureError as error:
        return (stage if fragment in str(error) else "traceback"), str(error)
    except Exception as error:
        return "traceback", f"{type(error).__name__}: {error}"
    return "silent", ""


# --- library edge cases: (description, call, expected: ("raises", type name, fragment) or
#     ("warns", warning name, fragment, "inf" | "finite")) -----------------------------------
def _scenario():
    from hwiloc.geometry import ula_positions
    from hwiloc.ofdm import OfdmGrid

    g = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=16)
    return g, ula_positions(8, 0.07), np.array([-0.6, 0.9])


def _crlb(position=None, antennas=None, **kw):
    from hwiloc.bounds.phase_offsets import position_crlb_rmse

    g, ant, p = _scenario()
    args = dict(amplitudes=1.0, offset_type="frequency", offset_std=0.3)
    args.update(kw)
    return position_crlb_rmse(
        p if position is None else np.asarray(position),
        ant if antennas is None else antennas,
        g,
        **args,
    )


def _closed_form_ratio(snr_db: float) -> float:
    """Frequency-offset CRLB over sqrt(1 + s sigma^2) x the ideal one (1 when exact)."""
    sigma = np.array([0.05, 0.5, np.pi])
    amp = np.sqrt(10 ** (snr_db / 10))
    ideal = _crlb(amplitudes=amp, offset_type="none", offset_std=0.0)
    rmse = _crlb(amplitudes=amp, offset_std=sigma)
    return float(np.max(np.abs(rmse / (ideal * np.sqrt(1 + 2 * amp**2 * sigma**2)) - 1)))


def _fisher(noise):
    from hwiloc.bounds.fisher import fisher_information

    return fisher_information(np.ones((3, 2)) + 0j, noise)


def _efim(noise):
    from hwiloc.bounds.fisher import efim_diagonal_nuisance

    return efim_diagonal_nuisance(np.ones((2, 3, 2)) + 0j, np.ones((2, 3)) + 0j, noise, 1.0)


def _linear_crb(h, noise=1.0):
    from hwiloc.bounds.misspecified import crb

    class Linear:
        def jacobian(self, eta):
            return h

    return crb(Linear(), np.zeros(h.shape[1]), noise, names=("a", "b"))


def _mcrb(noise=1.0, h=None):
    from hwiloc.bounds.misspecified import mcrb

    h = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]) + 0j if h is None else h

    class Linear:
        def mean(self, eta):
            return h @ eta

        def jacobian(self, eta):
            return h

        def hessian(self, eta):
            return np.zeros((h.shape[0], 2, 2))

    eta = np.array([1.0, 2.0])
    return mcrb(h @ eta, Linear(), eta, eta, noise, names=("a", "b")).mcrb


def _amplitudes(noise):
    from hwiloc.models.phase_offset import antenna_amplitudes

    g, ant, p = _scenario()
    return antenna_amplitudes(p, ant, 10.0, noise_variance=noise)


def _schur_singular():
    from hwiloc.bounds.fisher import schur_efim

    return schur_efim(np.diag([1.0, 1.0, 0.0]), 2)


def _crlb_rmse_singular():
    from hwiloc.bounds.fisher import crlb_rmse

    return crlb_rmse(np.array([[1.0, 1.0], [1.0, 1.0]]), names=("x", "y"))


def _ambiguity_noise():
    from hwiloc.ambiguity import pmsr_db

    x = np.linspace(-1, 1, 5)
    return pmsr_db(np.full((5, 5), np.nan), x, x, 0.3)


LIBRARY_CASES = [
    (
        "fisher_information, noise variance 0",
        lambda: _fisher(0.0),
        ("raises", "ValueError", "noise_variance"),
    ),
    (
        "fisher_information, noise variance -1",
        lambda: _fisher(-1.0),
        ("raises", "ValueError", "noise_variance"),
    ),
    (
        "fisher_information, noise variance NaN",
        lambda: _fisher(math.nan),
        ("raises", "ValueError", "noise_variance"),
    ),
    (
        "efim_diagonal_nuisance, noise variance 0",
        lambda: _efim(0.0),
        ("raises", "ValueError", "noise_variance"),
    ),
    (
        "efim_diagonal_nuisance, noise variance inf",
        lambda: _efim(math.inf),
        ("raises", "ValueError", "noise_variance"),
    ),
    (
        "position_crlb_rmse, noise variance 0",
        lambda: _crlb(noise_variance=0.0),
        ("raises", "ValueError", "noise_variance"),
    ),
    (
        "position_crlb_rmse, noise variance -2",
        lambda: _crlb(noise_variance=-2.0),
        ("raises", "ValueError", "noise_variance"),
    ),
    (
        "crb, noise variance 0",
        lambda: _linear_crb(np.eye(2) + 0j, 0.0),
        ("raises", "ValueError", "noise_variance"),
    ),
    ("mcrb, noise variance -1", lambda: _mcrb(-1.0), ("raises", "ValueError", "noise_variance")),
    (
        "antenna_amplitudes, noise variance 0",
        lambda: _amplitudes(0.0),
        ("raises", "ValueError", "noise_variance"),
    ),
    (
        "position_crlb_rmse, offset std -1",
        lambda: _crlb(offset_std=-1.0),
        ("raises", "ValueError", "offset_std"),
    ),
    (
        "position_crlb_rmse, offset type 'thermal'",
        lambda: _crlb(offset_type="thermal"),
        ("raises", "ValueError", "offset_type"),
    ),
    (
        "crlb_rmse of a singular FIM",
        _crlb_rmse_singular,
        ("warns", "UnobservableWarning", "'x', 'y'", "inf"),
    ),
    (
        "crb of a singular FIM",
        lambda: _linear_crb(np.array([[1.0, 1.0], [2.0, 2.0]]) + 0j),
        ("raises", "UnobservableError", "'a', 'b'"),
    ),
    (
        "crb, a parameter the data do not see",
        lambda: _linear_crb(np.array([[1.0, 0.0]]) + 0j),
        ("raises", "UnobservableError", "['b']"),
    ),
    (
        "mcrb, A singular",
        lambda: _mcrb(h=np.array([[1.0, 1.0], [1.0, 1.0]]) + 0j),
        ("raises", "UnobservableError", "'a', 'b'"),
    ),
    (
        "schur_efim, singular nuisance block",
        _schur_singular,
        ("raises", "UnobservableError", "nuisance[0]"),
    ),
    (
        "position CRLB, UE on the array axis",
        lambda: _crlb(position=[0.5, 0.0]),
        ("warns", "UnobservableWarning", "'y'", "inf"),
    ),
    (
        "position CRLB, UE on an element",
        lambda: _crlb(position=[0.035, 0.0]),
        ("raises", "ValueError", "coincides with an antenna"),
    ),
    (
        "position CRLB, one antenna",
        lambda: _crlb(antennas=np.array([[0.0, 0.0]])),
        ("warns", "UnobservableWarning", "unobservable", "inf"),
    ),
    (
        "position CRLB, NaN position",
        lambda: _crlb(position=[np.nan, 1.0]),
        ("raises", "ValueError", "NaN"),
    ),
    (
        "frequency-offset CRLB at 140 dB vs closed form",
        lambda: _closed_form_ratio(140.0),
        ("value_below", 1e-8),
    ),
    (
        "frequency-offset CRLB at 180 dB vs closed form",
        lambda: _closed_form_ratio(180.0),
        ("value_below", 1e-8),
    ),
    (
        "frequency-offset CRLB at 200 dB vs closed form",
        lambda: _closed_form_ratio(200.0),
        ("value_below", 1e-8),
    ),
    ("PMSR of an all-NaN image", _ambiguity_noise, ("raises", "ValueError", "NaN")),
]


def library_outcome(call, expected) -> tuple[str, str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = call()
        except Exception as error:
            ok = (
                expected[0] == "raises"
                and type(error).__name__ == expected[1]
                and expected[2] in str(error)
            )
            return ("in_job" if ok else "traceback"), f"{type(error).__name__}: {error}"
    values = np.asarray(value, dtype=float)
    if expected[0] == "value_below":
        ok = bool(np.all(np.isfinite(values)) and np.all(values < expected[1]))
        return ("in_job" if ok else "silent"), f"value {value!r}"
    if expected[0] == "warns":
        hit = [w for w in caught if type(w.message).__name__ == expected[1]]
        values_ok = not np.any(np.isnan(values)) and (
            np.all(np.isinf(values)) if expected[3] == "inf" else np.all(np.isfinite(values))
        )
        if hit and expected[2] in str(hit[0].message) and values_ok:
            return "in_job", str(hit[0].message)
    return "silent", f"value {value!r}, warnings {[str(w.message) for w in caught]}"


OUTCOMES = ("before", "in_job", "traceback", "silent")


def tally(folder: Path) -> dict:
    """Outcome counts per category, and the cases that were not refused clearly."""
    base = quick_config()
    results = {"config values": [], "study-table cells": [], "captures": [], "library": []}
    for override, key in CONFIG_CASES:
        results["config values"].append((str(override), *config_outcome(override, key, base)))
    for i, (kind, text, fragment) in enumerate(STUDY_CASES):
        sub = Path(folder) / f"study{i}"
        sub.mkdir(parents=True, exist_ok=True)
        results["study-table cells"].append(
            (f"{kind}: {text!r}", *study_outcome(kind, text, fragment, sub, base))
        )
    for i, (name, build, fragment) in enumerate(CAPTURE_CASES):
        sub = Path(folder) / f"capture{i}"
        sub.mkdir(parents=True, exist_ok=True)
        results["captures"].append((name, *capture_outcome(build, fragment, sub)))
    for name, call, expected in LIBRARY_CASES:
        results["library"].append((name, *library_outcome(call, expected)))
    return results


def main() -> None:
    import tempfile

    warnings.filterwarnings("ignore", "You are writing invalid netcdf features")

    with tempfile.TemporaryDirectory() as folder:
        results = tally(Path(folder))
    print(f"{'category':<20}{'tried':>6}" + "".join(f"{o:>11}" for o in OUTCOMES))
    for category, rows in results.items():
        counts = [sum(r[1] == o for r in rows) for o in OUTCOMES]
        print(f"{category:<20}{len(rows):>6}" + "".join(f"{c:>11}" for c in counts))
    for category, rows in results.items():
        for name, outcome, message in rows:
            if outcome in ("traceback", "silent"):
                print(f"  {category}: {name}: {outcome}: {message[:300]}")


if __name__ == "__main__":
    main()
