"""zhang2025, Sec. V: calibration and localization of measured CSI.

Captures come from the testbed emulator, from NetCDF files, from a folder in
the KU Leuven layout or from a DICHASUS dataset (config
``zhang2025.measured.source``). One capture
calibrates (eqs. (19)-(23)); every capture is then localized by the SAF peak on
raw CSI, after frequency compensation and after both, and scored against its
ground truth: the calibration capture itself (the paper's same-capture
result) and the held-out ones.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from hwiloc.ambiguity import pmsr_db
from hwiloc.calibration import STAGES, PhaseCalibration, apply_calibration, calibrate
from hwiloc.estimators import saf_peak
from hwiloc.io.csi import (
    Capture,
    CaptureError,
    check_compatible,
    check_ground_truth,
    open_kuleuven_capture,
    open_netcdf_capture,
)
from hwiloc.io.dichasus import open_dichasus_capture
from hwiloc.io.testbed import emulate_hardware, write_capture
from hwiloc.papers.zhang2025.system import Scenario, grid_axes, provenance

SOURCES = ("emulator", "netcdf", "kuleuven", "dichasus")


def emulate_capture(cfg: dict, name: str, path: str | Path) -> Path:
    """Write the emulated capture ``name`` (config ``measured.emulator.captures``) as NetCDF.

    The hardware (offsets, scatterers) is drawn from the entropy [seed] alone
    (``emulator.seed``), so every capture of one emulated testbed shares it; the
    capture's own noise, drift and MoCap readings come from [seed, capture index
    + 1]. Each quantity has its own stream of its entropy
    (:data:`~hwiloc.io.testbed.HARDWARE_STREAMS`,
    :data:`~hwiloc.io.testbed.CAPTURE_STREAMS`), which the file records.
    """
    measured, emu = cfg["measured"], cfg["measured"]["emulator"]
    antennas, grid = Scenario.testbed(cfg["system"])
    hardware = emulate_hardware(
        [int(emu["seed"])],
        len(antennas),
        grid.num_subcarriers,
        spatial_offset_std=emu["spatial_offset_std"],
        frequency_offset_mean=emu["frequency_offset_mean"],
        frequency_offset_std=emu["frequency_offset_std"],
        num_scatterers=emu["num_scatterers"],
        scatterer_power_db=emu["scatterer_power_db"],
        room=emu["room"],
        registration_offset_std=float(emu["registration_offset_std"]),
    )
    index = list(emu["captures"]).index(name)
    return write_capture(
        path,
        name=name,
        position=np.asarray(emu["captures"][name], dtype=float),
        antenna_positions=antennas,
        grid=grid,
        hardware=hardware,
        num_symbols=int(emu["num_symbols"]),
        sampling_rate=float(cfg["system"]["sampling_rate"]),
        snr_db=float(emu["snr_db"]),
        phase_drift_std=float(emu["phase_drift_std"]),
        mocap_noise_std=float(emu["mocap_noise_std"]),
        entropy=[int(emu["seed"]), index + 1],
        chunk_symbols=int(measured["chunk_symbols"]),
        config={"system": cfg["system"], "measured": measured},
        antenna_drift_std=float(emu["antenna_drift_std"]),
        diffuse_power=10 ** (float(emu["diffuse_power_db"]) / 10) if emu["diffuse"] else 0.0,
    )


def open_capture(
    cfg: dict, name: str, path: str | Path, progress=None, *, check_content: bool = True
) -> Capture:
    """Open capture ``name`` from ``path`` with the reader of ``measured.source``, checked.

    For the KU Leuven layout ``path`` is the folder or its ``user_positions.npy``;
    for a DICHASUS dataset, the capture's TFRecord file in the dataset folder.
    The header (dims, shape, dtype, positions, grid) and the ground truth
    (:func:`~hwiloc.io.csi.check_ground_truth`) are always checked; the
    content (NaN, all-zero symbols) too unless ``check_content`` is False,
    with ``progress`` (a callable taking a message) told how the scan goes.
    """
    measured = cfg["measured"]
    source = measured["source"]
    if source == "kuleuven" and Path(path).name == "user_positions.npy":  # the folder's index
        path = Path(path).parent
    if source in ("emulator", "netcdf"):
        capture = open_netcdf_capture(path, name)
    elif source == "kuleuven":
        entry = measured["kuleuven"]["captures"][name]
        antennas, grid = Scenario.testbed(cfg["system"])
        capture = open_kuleuven_capture(
            path,
            int(entry["first_sample"]),
            int(entry["num_samples"]),
            grid,
            name=name,
            position_unit=measured["kuleuven"]["position_unit"],
            antenna_positions=antennas,
        )
    elif source == "dichasus":
        d = measured["dichasus"]
        entry = d["captures"][name]
        capture = open_dichasus_capture(
            Path(path).parent,
            Path(path).name,
            offsets=entry["offsets"],
            first_record=int(entry["first_record"]),
            num_records=int(entry["num_records"]),
            array=int(d["array"]),
            row=None if d["row"] is None else int(d["row"]),
            element_spacing=d["element_spacing"],
            position_feature=d["position_feature"],
            name=name,
        )
    else:
        raise ValueError(f"measured.source must be one of {SOURCES}, got {source!r}")
    check_ground_truth(capture)
    for note in capture.notes:  # what the reader left out, in the job's log
        if progress is not None:
            progress(note)
    if check_content:
        capture.check(num_symbols_used(cfg, capture), int(measured["chunk_symbols"]), progress)
    return capture


def check_capture_headers(cfg: dict, paths: dict) -> None:
    """Header checks of the user's captures, for the DAG build (no sample is read).

    Opens every capture of ``paths`` (name -> file or folder, the calibration
    capture first or among them), checks it has the symbols asked for and, for
    a held-out capture, the calibration capture's antennas and subcarrier
    frequencies. Raises CaptureError naming the file.
    """
    name = cfg["measured"]["calibration_capture"]
    reference = open_capture(cfg, name, paths[name], check_content=False)
    for other, path in paths.items():
        capture = (
            reference if other == name else open_capture(cfg, other, path, check_content=False)
        )
        asked = num_symbols_used(cfg, capture)
        if capture.num_symbols < asked:
            raise CaptureError(
                f"{capture.source}: capture '{other}' has {capture.num_symbols} symbols; "
                f"zhang2025.measured.num_symbols asks for {asked}"
            )
        if other != name:
            check_compatible(reference, capture)
        region = cfg["measured"]["region"]
        used = capture.positions[:asked]
        lo, hi = used.min(axis=0), used.max(axis=0)
        if (
            lo[0] < region["x_min"]
            or hi[0] > region["x_max"]
            or (lo[1] < region["y_min"] or hi[1] > region["y_max"])
        ):
            raise CaptureError(
                f"{capture.source}: capture '{other}' has its UE at x in [{lo[0]:.4g}, "
                f"{hi[0]:.4g}], y in [{lo[1]:.4g}, {hi[1]:.4g}] m, outside "
                f"zhang2025.measured.region x in [{region['x_min']}, {region['x_max']}], "
                f"y in [{region['y_min']}, {region['y_max']}]: the localization grid cannot "
                "contain it"
            )


def num_symbols_used(cfg: dict, capture: Capture) -> int:
    """Symbols per capture: ``measured.num_symbols``, or all of them when it is 0. [-]"""
    asked = int(cfg["measured"]["num_symbols"])
    return capture.num_symbols if asked == 0 else asked


def calibration_dataset(capture: Capture, cfg: dict) -> xr.Dataset:
    """Calibrate on ``capture`` (eqs. (19)-(23)), streamed over symbols."""
    measured = cfg["measured"]
    used = num_symbols_used(cfg, capture)
    rule = str(measured["frequency_stage"])
    cal = calibrate(capture, used, int(measured["chunk_symbols"]), rule)
    ds = xr.Dataset(
        {
            "frequency_offset": (("antenna", "subcarrier"), cal.frequency_offsets),
            "spatial_offset": ("antenna", cal.spatial_offsets),
            "lse_statistic": (("antenna", "subcarrier"), cal.statistic),
            "antenna_position": (("antenna", "axis"), capture.antenna_positions),
            "subcarrier_frequency": ("subcarrier", capture.grid.frequencies),
        },
        coords={
            "antenna": np.arange(capture.num_antennas),
            "subcarrier": capture.grid.subcarrier_indices,
            "axis": ["x", "y"],
        },
    )
    ds.attrs.update(capture=capture.name, capture_source=capture.source, num_symbols=used,
                    frequency_stage=rule)  # fmt: skip
    if capture.reference_offsets is not None:
        residual = reference_residual(cal, capture.reference_offsets)
        ds["reference_offset"] = (("antenna", "subcarrier"), capture.reference_offsets)
        ds["reference_residual"] = (("antenna", "subcarrier"), residual)
        ds.attrs["reference_residual_rms_rad"] = float(np.sqrt(np.mean(residual**2)))
    return provenance(
        ds, f"phase-offset calibration from capture '{capture.name}'", "calibrate",
        "eqs. (19)-(23)", {"measured": measured},
    )  # fmt: skip


def reference_residual(cal: PhaseCalibration, reference: np.ndarray) -> np.ndarray:
    """Estimated minus reference offsets, wrapped, with their common phase removed. [rad]

    The total offset the calibration removes is phi^f_nk + phi^a_n (eqs. (21),
    (23)); a phase common to every antenna and subcarrier is the channel's own
    and cannot be estimated, so the circular mean of the difference is taken
    out. [num_antennas, num_subcarriers], in (-pi, pi].
    """
    difference = cal.frequency_offsets + cal.spatial_offsets[:, None] - reference
    common = np.angle(np.mean(np.exp(1j * difference)))
    return np.angle(np.exp(1j * (difference - common)))


def calibration_from_dataset(ds: xr.Dataset) -> PhaseCalibration:
    return PhaseCalibration(
        ds["frequency_offset"].values,
        ds["spatial_offset"].values,
        ds["lse_statistic"].values,
        int(ds.attrs["num_symbols"]),
    )


def snapshot_indices(num_symbols: int, num_snapshots: int) -> np.ndarray:
    """Evenly spaced symbol indices to localize. [-]"""
    return np.unique(np.linspace(0, num_symbols - 1, min(num_snapshots, num_symbols)).astype(int))


def evaluation_dataset(
    capture: Capture, calibration: xr.Dataset, cfg: dict, progress=None
) -> xr.Dataset:
    """Localize snapshots of ``capture`` raw, after frequency and after both compensations.

    Saves every estimate, its error against the MoCap ground truth, the PMSR
    (eq. (18)) of every image, and the images of the first snapshot (Fig. 9).
    """
    measured = cfg["measured"]
    if calibration["frequency_offset"].shape != (
        capture.num_antennas,
        capture.grid.num_subcarriers,
    ):
        raise ValueError(
            f"calibration '{calibration.attrs['capture']}' is for "
            f"{calibration['frequency_offset'].shape} antennas x subcarriers; capture "
            f"'{capture.name}' has {(capture.num_antennas, capture.grid.num_subcarriers)}"
        )
    cal = calibration_from_dataset(calibration)
    x, y = grid_axes(measured["region"])
    radius = float(cfg["saf"]["main_lobe_radius"])
    snapshots = snapshot_indices(num_symbols_used(cfg, capture), int(measured["num_snapshots"]))
    csi = capture.symbols(snapshots)
    estimate = np.empty((len(STAGES), len(snapshots), 2))
    pmsr = np.empty((len(STAGES), len(snapshots)))
    pmsr_amp = np.empty_like(pmsr)
    first_images = np.empty((len(STAGES), len(y), len(x)))
    for i, stage in enumerate(STAGES):
        for j in range(len(snapshots)):
            estimate[i, j], image = saf_peak(
                apply_calibration(csi[j], cal, stage),
                capture.antenna_positions,
                capture.grid,
                x,
                y,
                refine_step=float(measured["refine_step"]),
                oversampling=int(cfg["saf"]["oversampling"]),
            )
            pmsr[i, j] = pmsr_db(image, x, y, radius)
            pmsr_amp[i, j] = pmsr_db(image, x, y, radius, form="amplitude")
            if j == 0:
                first_images[i] = image
            if progress is not None:
                progress(f"{stage}, snapshot {snapshots[j]}")
    truth = capture.positions[snapshots]
    snr_db, crlb = snapshot_crlb(csi, capture, truth)
    ds = xr.Dataset(
        {
            "crlb_rmse": ((), crlb, {"units": "m", "long_name": "CRLB of one snapshot's position "
                                     "RMSE, offsets known (eq. (13)), at the estimated SNR"}),
            "estimate": (("stage", "snapshot", "axis"), estimate),
            "ground_truth": (("snapshot", "axis"), truth),
            "error": (("stage", "snapshot"), np.linalg.norm(estimate - truth, axis=-1)),
            "pmsr_db": (("stage", "snapshot"), pmsr),
            "pmsr_amplitude_db": (("stage", "snapshot"), pmsr_amp),
            "saf": (("stage", "y", "x"), first_images),
        },
        coords={"stage": list(STAGES), "snapshot": snapshots, "axis": ["x", "y"], "x": x, "y": y},
    )
    ds.attrs.update(
        capture=capture.name,
        calibration_capture=calibration.attrs["capture"],
        held_out=int(capture.name != calibration.attrs["capture"]),
        snr_estimate_db=snr_db,
    )
    return provenance(
        ds, f"localization of capture '{capture.name}'", "evaluate", "eqs. (14), (18)-(23)",
        {"measured": measured},
    )  # fmt: skip


def snapshot_crlb(csi: np.ndarray, capture, truth: np.ndarray) -> tuple[float, float]:
    """(per-sample SNR [dB], CRLB of one snapshot's position RMSE [m]) of a static capture.

    The SNR is estimated from the snapshots themselves: the UE is static, so the CSI's
    mean over snapshots is the signal and its spread about that mean the noise (a drift
    between snapshots counts as noise: the estimate is a lower one), |mean|^2 / variance
    averaged over antennas and subcarriers. The CRLB is eq. (13)'s without offsets (they
    are calibrated out) at the snapshots' mean true position, constant amplitudes at that
    SNR. NaN with fewer than two snapshots.
    """
    from hwiloc.bounds.phase_offsets import position_crlb_rmse

    if csi.shape[0] < 2:
        return float("nan"), float("nan")
    mean = csi.mean(axis=0)
    noise = float(np.mean(np.abs(csi - mean) ** 2) * csi.shape[0] / (csi.shape[0] - 1))
    snr = float(np.mean(np.abs(mean) ** 2)) / noise
    crlb = position_crlb_rmse(np.asarray(truth).mean(axis=0), capture.antenna_positions,
                              capture.grid, np.sqrt(snr), "none")  # fmt: skip
    return float(10 * np.log10(snr)), float(crlb)


def summary(evaluations: list[xr.Dataset]) -> dict:
    """RMSE (over snapshots and captures) and mean PMSR per stage, same-capture vs held-out.

    Returns {"same_capture" | "held_out": (rmse [stage] [m], mean pmsr_db [stage] [dB],
    number of captures)}, a group missing when no capture falls in it.
    """
    rows = {}
    for group, held in (("same_capture", 0), ("held_out", 1)):
        chosen = [ev for ev in evaluations if ev.attrs["held_out"] == held]
        if not chosen:
            continue
        err = np.concatenate([ev["error"].values for ev in chosen], axis=1)  # [stage, all]
        pm = np.concatenate([ev["pmsr_db"].values for ev in chosen], axis=1)
        rows[group] = (np.sqrt(np.mean(err**2, axis=1)), np.mean(pm, axis=1), len(chosen))
    return rows


def uniform_arc(angles) -> tuple[float, float]:
    """The uniform law on the circle fitted to ``angles`` by maximum likelihood: the shortest
    arc that holds them all, the complement of the largest gap between neighbours on the
    circle; (its centre, its half-width Delta <= pi). [rad]"""
    a = np.sort(np.mod(np.asarray(angles, dtype=float).ravel(), 2 * np.pi))
    gaps = np.diff(np.r_[a, a[0] + 2 * np.pi])  # gap after each angle, the last one wrapping
    i = int(np.argmax(gaps))
    start = a[(i + 1) % a.size]  # the arc runs from just after the largest gap to just before it
    half = (2 * np.pi - gaps[i]) / 2
    return float(np.angle(np.exp(1j * (start + half)))), float(half)


def offsets_fit(calibration: xr.Dataset) -> dict:
    """Fitted laws of Fig. 2: Gaussian (mean, std) of phi^f; the uniform law on the circle of
    phi^a (:func:`uniform_arc`: its centre and half-width, at most pi). [rad]"""
    freq = calibration["frequency_offset"].values.ravel()
    centre, half = uniform_arc(calibration["spatial_offset"].values)
    return {
        "frequency_mean": float(freq.mean()),
        "frequency_std": float(freq.std()),
        "spatial_centre": centre,
        "spatial_half_width": half,
    }


def offsets_goodness_of_fit(calibration: xr.Dataset) -> dict:
    """Kolmogorov-Smirnov tests of Fig. 2's laws on the estimated offsets.

    Frequency offsets against the normal law with their fitted mean and std;
    spatial offsets (wrapped about the fitted arc's centre) against the uniform law on
    the circle of the fitted half-width (:func:`uniform_arc`). The parameters are fitted
    on the same data, so the p-values are conservative (Lilliefors). Returns
    {"frequency" | "spatial": (statistic, p-value)}.
    """
    from scipy import stats

    fit = offsets_fit(calibration)
    freq = calibration["frequency_offset"].values.ravel()
    spatial = np.angle(np.exp(1j * (calibration["spatial_offset"].values - fit["spatial_centre"])))
    half = fit["spatial_half_width"]
    f = stats.kstest(freq, "norm", args=(fit["frequency_mean"], fit["frequency_std"]))
    a = stats.kstest(spatial, "uniform", args=(-half, 2 * half))
    return {"frequency": (float(f.statistic), float(f.pvalue)),
            "spatial": (float(a.statistic), float(a.pvalue))}  # fmt: skip
