"""NetCDF conventions for every intermediate the pipeline writes.

Each file is self-describing: named dims with coordinates, ``units`` and
``long_name`` on every variable and coordinate (from :data:`ATTRIBUTES`, the
shared names, and the table of the paper that writes it: its hooks'
``ATTRIBUTES``, which its :class:`Provenance` carries), and
global attributes ``title``, ``study``, ``source`` (package version and rule),
``code_hash`` and ``code_modules`` (the hwiloc modules the writing process had
loaded, and a hash of their sources: :mod:`hwiloc.codehash`), ``references``
(paper and equation), ``history`` and ``config`` (the JSON of the config values
that produced the file). Files are written with xarray and
engine h5netcdf (complex values stored natively) to a temporary name and
renamed, so a failed run never leaves a half-written file, and with HDF5's
Fletcher-32 checksum on every array (and a ``scalar_checksum`` attribute over
the scalars, which HDF5 cannot checksum), so that a file corrupted later is an
error when it is read (:func:`read_dataset`), never data.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import xarray as xr

from hwiloc import __version__
from hwiloc.io.atomic import atomic_path

ENGINE = "h5netcdf"

ATTRIBUTES: dict[str, dict[str, str]] = {
    # coordinates
    "x": {"units": "m", "long_name": "x coordinate (along the array)"},
    "y": {"units": "m", "long_name": "y coordinate (broadside)"},
    "antenna": {"units": "1", "long_name": "antenna index n"},
    "subcarrier": {"units": "1", "long_name": "subcarrier index k"},
    "realization": {"units": "1", "long_name": "offset realization index"},
    "num_antennas": {"units": "1", "long_name": "number of receive antennas N"},
    "offset_std": {"units": "rad", "long_name": "phase-offset standard deviation sigma_phi"},
    "offset_type": {"units": "1", "long_name": "phase-offset type"},
    "axis": {"units": "1", "long_name": "position axis"},
    # variables
    "antenna_position": {"units": "m", "long_name": "antenna position"},
    "subcarrier_frequency": {"units": "Hz", "long_name": "subcarrier frequency f_k"},
    "ue_position": {"units": "m", "long_name": "true UE position"},
    "amplitude": {"units": "V", "long_name": "signal amplitude alpha_n"},
    "phase_offset": {"units": "rad", "long_name": "phase offset phi_nk"},
    "saf": {"units": "1", "long_name": "spatial ambiguity function A(x, y), eq. (14)"},
    "sensed_position": {"units": "m", "long_name": "SAF peak location (x_sen, y_sen)"},
    "position_error": {"units": "m", "long_name": "position error ||p_hat - p||"},
    "angle_error": {"units": "degree", "long_name": "angle estimate minus the truth"},
    "position_rmse": {"units": "m", "long_name": "position RMSE over the trials"},
    "seed_entropy": {"units": "1", "long_name": "numpy SeedSequence entropy of the realization"},
    # Monte Carlo of estimators
    "estimator": {"units": "1", "long_name": "estimator (MLE: true model; MMLE: mismatched)"},
    "trial": {"units": "1", "long_name": "Monte Carlo trial (noise realization)"},
    "entropy": {"units": "1", "long_name": "entry of the numpy SeedSequence entropy"},
    # measured CSI (Sec. V)
    "symbol": {"units": "1", "long_name": "OFDM symbol (CSI snapshot) index l"},
    "csi": {"units": "1", "long_name": "channel state information r~_nk(l)"},
    "true_position": {"units": "m", "long_name": "true UE position (emulator only)"},
    "common_phase_drift": {
        "units": "rad",
        "long_name": "common phase drift theta(l) (emulator only)",
    },
    "reference_offset": {
        "units": "rad",
        "long_name": "phase offset known independently of the calibration, "
        "phi^f_nk + phi^a_n (the emulator's injected offsets; a DICHASUS dataset's reference "
        "transmitter offsets)",
    },
    "reference_residual": {
        "units": "rad",
        "long_name": "estimated minus reference offset, wrapped, common phase removed",
    },
    "frequency_offset": {
        "units": "rad",
        "long_name": "estimated frequency phase offset, eqs. (19)-(20)",
    },
    "spatial_offset": {"units": "rad", "long_name": "estimated spatial phase offset, eq. (22)"},
    "lse_statistic": {
        "units": "1",
        "long_name": "sum over symbols of conj(r_nk(l)) r~_nk(l), eq. (20)",
    },
    "capture": {"units": "1", "long_name": "capture name"},
    "stage": {"units": "1", "long_name": "calibration stage (raw, frequency, both)"},
    "snapshot": {"units": "1", "long_name": "evaluated symbol index"},
    "estimate": {"units": "m", "long_name": "position estimate (the title says by which)"},
    "ground_truth": {"units": "m", "long_name": "MoCap ground-truth position"},
    "error": {"units": "m", "long_name": "position error ||estimate - ground truth||"},
    # assumptions stage (hwiloc.claims.assumptions): claims over a grid of assumed values
    "row": {"units": "1", "long_name": "claim id (config/claims/<paper>.yaml)"},
    "value": {"units": "mixed (each claim's unit)", "long_name": "reproduced value of the claim"},
    "verdict": {"units": "1", "long_name": "0 not reproduced, 1 trend, 2 reproduced"},
    "claim_misfit": {"units": "decade", "long_name": "distance of the value from the claim"},
    "num_reproduced": {"units": "1", "long_name": "claims reproduced"},
    "num_trend": {"units": "1", "long_name": "claims reproduced as a trend only"},
    "misfit": {"units": "decade", "long_name": "RMS over the fit's target claims of their misfit"},
    "default_claim_misfit": {
        "units": "decade",
        "long_name": "distance of the value from the claim at the shipped defaults",
    },
    "sensitive": {
        "units": "1",
        "long_name": "1: the claim varies over the scan by more than its tolerance (a fit target)",
    },
    "default_value": {
        "units": "mixed (each claim's unit)",
        "long_name": "reproduced value of the claim at the shipped defaults",
    },
    "default_verdict": {
        "units": "1",
        "long_name": "verdict at the shipped defaults (codes as verdict)",
    },
    "default_misfit": {
        "units": "decade",
        "long_name": "RMS over the fit's target claims of their misfit at the shipped defaults",
    },
    "default_num_reproduced": {
        "units": "1",
        "long_name": "claims reproduced at the shipped defaults",
    },
    "default_num_trend": {
        "units": "1",
        "long_name": "claims reproduced as a trend only at the shipped defaults",
    },
}


def attribute_table(*tables: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """:data:`ATTRIBUTES` joined to ``tables`` (a paper's names, say).

    A name that two tables define differently is an error, never a silent overwrite.

    Raises
    ------
    ValueError
        Naming the name and its two definitions.
    """
    out = dict(ATTRIBUTES)
    for table in tables:
        for name, attrs in table.items():
            if name in out and out[name] != attrs:
                raise ValueError(
                    f"NetCDF attributes of {name!r} defined twice: {out[name]} and {attrs}; "
                    "give the variable a name of its own"
                )
            out[name] = attrs
    return out


def annotate(ds: xr.Dataset, attributes: dict[str, dict[str, str]] | None = None) -> xr.Dataset:
    """Attach ``units`` and ``long_name`` to every name the table knows.

    ``attributes``: the table (default :data:`ATTRIBUTES`, the shared names; a paper's
    :class:`Provenance` passes :func:`attribute_table` of its own).
    """
    attributes = ATTRIBUTES if attributes is None else attributes
    ds = ds.copy()
    for name in list(ds.variables):
        if name in attributes:
            ds[name].attrs.update(attributes[name])
    return ds


def finalize(
    ds: xr.Dataset,
    *,
    title: str,
    study: str,
    rule: str,
    references: str,
    config: dict | None = None,
    attributes: dict[str, dict[str, str]] | None = None,
) -> xr.Dataset:
    """Annotate ``ds`` and set the global attributes of the conventions.

    Parameters
    ----------
    ds : xarray.Dataset
        The data.
    title : str
        What the file holds.
    study : str
        The paper or study that wrote it (its plugin's name).
    rule : str
        Snakemake rule (or function) that produced it.
    references : str
        Paper and equation numbers implemented.
    config : dict, optional
        The config values that produced the file (stored as JSON).
    attributes : dict, optional
        The units and long names to annotate with (:func:`annotate`).
    """
    ds = annotate(ds, attributes)
    from hwiloc.codehash import code_hash, loaded_modules

    modules = loaded_modules()
    ds.attrs.update(
        {
            "title": title,
            "study": study,
            "source": f"hwiloc {__version__}, rule {rule}",
            "code_hash": code_hash(modules),
            "code_modules": " ".join(modules),
            "references": references,
            "history": f"{datetime.now(UTC).isoformat(timespec='seconds')} created by "
            f"hwiloc {__version__} ({rule})",
            "config": json.dumps(config or {}, sort_keys=True),
            "Conventions": "CF-1.8",
        }
    )
    return ds


@dataclass(frozen=True)
class Provenance:
    """What every dataset of one paper names as its study and its reference.

    Each paper package holds one (``papers/<paper>/system.py``), and every
    dataset it builds is finished by calling it, so that the study, the
    reference and the conventions of :func:`finalize` are written in one place.

    Parameters
    ----------
    study : str
        The paper's key (its plugin's name).
    reference : str
        The paper, as cited in the ``references`` attribute.
    attributes : tuple of dict, optional
        The NetCDF attribute tables of the names its files hold beyond the shared
        :data:`ATTRIBUTES` (its hooks' ``ATTRIBUTES``, and those of a paper it builds
        on), joined by :func:`attribute_table`: a conflict is an error when it is made.
    """

    study: str
    reference: str
    attributes: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "_table", attribute_table(*self.attributes))

    def __call__(
        self, ds: xr.Dataset, title: str, rule: str, equations: str, config: dict | None = None
    ) -> xr.Dataset:
        """:func:`finalize` ``ds`` with ``references`` = the paper, then ``equations``."""
        return finalize(
            ds,
            title=title,
            study=self.study,
            rule=rule,
            references=f"{self.reference}, {equations}",
            config=config,
            attributes=self._table,
        )


def missing_units(ds: xr.Dataset) -> list[str]:
    """Names of variables and coordinates that carry no ``units`` attribute."""
    return [name for name in ds.variables if "units" not in ds[name].attrs]


def write_dataset(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``ds`` atomically (temporary file, then rename) with engine h5netcdf.

    Raises ValueError, before writing anything, when a variable lacks units or
    the global attributes of :func:`finalize` are missing.
    """
    path = Path(path)
    lacking = missing_units(ds)
    if lacking:
        raise ValueError(f"cannot write {path}: no 'units' on {lacking}")
    for key in ("title", "study", "source", "references", "history", "config"):
        if key not in ds.attrs:
            raise ValueError(f"cannot write {path}: global attribute {key!r} missing (finalize())")
    has_complex = any(np.iscomplexobj(v.values) for v in ds.variables.values())
    encoding = {  # HDF5 Fletcher-32 checksums: corruption is an error on read
        name: {"fletcher32": True}
        for name, var in ds.variables.items()
        if var.ndim and var.dtype.kind not in "OUS" and var.size  # not strings (vlen in HDF5)
    }
    ds = ds.copy()
    ds.attrs["scalar_checksum"] = scalar_checksum({k: v.values for k, v in ds.variables.items()})
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine=ENGINE, invalid_netcdf=has_complex, encoding=encoding)
    return path


def scalar_checksum(variables: dict) -> str:
    """SHA-256 (16 hex digits) of a file's numeric scalar variables, by name.

    HDF5 cannot chunk a scalar, so Fletcher-32 does not cover one: the
    ``scalar_checksum`` global attribute does (:func:`write_dataset` writes it,
    :func:`read_dataset` and ``verify`` check it). ``variables``: name -> value.
    """
    import hashlib

    digest = hashlib.sha256()
    for name in sorted(variables):
        value = np.asarray(variables[name])
        if value.ndim == 0 and value.dtype.kind in "iufc":
            digest.update(f"{name}\0{value.dtype.str}\0".encode() + value.tobytes() + b"\0")
    return digest.hexdigest()[:16]


class CorruptResultError(OSError):
    """A result file cannot be read: truncated, overwritten or not NetCDF.

    Its message names the file and the commands that regenerate it.
    """


def regenerate_command(path: str | os.PathLike) -> str:
    """The command that replaces a bad result file: delete it, ask Snakemake for it again."""
    return f"rm '{path}' && snakemake --cores all '{path}'"


def regenerate_hint(path: str | os.PathLike) -> str:
    """What to do about a bad result file, for messages."""
    return f"delete it and rerun: {regenerate_command(path)}"


def read_dataset(path: str | os.PathLike) -> xr.Dataset:
    """Read a file written by :func:`write_dataset` fully into memory.

    Every variable is read, so a checksum (Fletcher-32) that fails, a truncated
    file or one that is not NetCDF raises :class:`CorruptResultError` naming
    the file and how to regenerate it.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no NetCDF file at {path}")
    try:
        with xr.open_dataset(path, engine=ENGINE) as ds:
            ds = ds.load()
    except (OSError, ValueError, KeyError, RuntimeError, TypeError) as error:
        raise CorruptResultError(
            f"{path}: unreadable ({type(error).__name__}: {error}); the file is truncated or "
            f"corrupt: {regenerate_hint(path)}"
        ) from None
    expected = ds.attrs.pop("scalar_checksum", None)  # storage, as Fletcher-32 is: not data
    if expected is not None:
        found = scalar_checksum({k: v.values for k, v in ds.variables.items()})
        if found != expected:
            raise CorruptResultError(
                f"{path}: a scalar variable's value does not match the file's scalar_checksum "
                f"(Fletcher-32 does not cover scalars); the file is corrupt or was edited: "
                f"{regenerate_hint(path)}"
            )
    return ds


def config_of(ds: xr.Dataset) -> dict:
    """The config values stored in a file's ``config`` attribute."""
    return json.loads(ds.attrs.get("config", "{}"))


def concat_shards(shards: list[xr.Dataset], dim: str) -> xr.Dataset:
    """Concatenate shard datasets along ``dim``, sorted, refusing overlaps (the datasets' attrs
    dropped, the variables' kept: their units)."""
    if not shards:
        raise ValueError("no shard datasets to gather")
    ds = xr.concat([s.drop_attrs(deep=False) for s in shards], dim=dim).sortby(dim)
    if len(np.unique(ds[dim])) != ds.sizes[dim]:
        raise ValueError(f"shards overlap: a {dim} index appears twice")
    return ds
