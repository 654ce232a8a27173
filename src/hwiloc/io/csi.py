"""Measured CSI captures: readers and checks, streamed over the symbol axis.

A capture is CSI r~_nk(l) of one UE held static (Zhang et al. 2025, Sec. V-A:
r in C^{N x K x L}) with its ground-truth position for every symbol. Two
formats are read:

- NetCDF (this project's, written by :mod:`hwiloc.io.testbed` or by a user):
  variable ``csi`` with dims (antenna, subcarrier, symbol), complex;
  ``antenna_position`` (antenna, axis) [m]; ``subcarrier_frequency``
  (subcarrier) [Hz]; ``ue_position`` (symbol, axis) [m]; optionally
  ``reference_offset`` (antenna, subcarrier) [rad], offsets known
  independently (:attr:`Capture.reference_offsets`).
- The KU Leuven "Ultra Dense Indoor MaMIMO CSI" layout: a folder with
  ``samples/channel_measurement_XXXXXX.npy`` (one 64 x 100 complex matrix per
  sample), ``user_positions.npy`` (samples x 3) and optionally
  ``antenna_positions.npy`` (64 x 3); a capture is a range of sample indices.

A third reader, for DICHASUS datasets (TFRecord files), is
:mod:`hwiloc.io.dichasus`.

Every check runs before any work: a bad file raises CaptureError naming the
file and the problem.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from tokenize import TokenError

import h5netcdf
import numpy as np

from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.ofdm import OfdmGrid

CSI_DIMS = ("antenna", "subcarrier", "symbol")
POSITION_UNITS = {"m": 1.0, "mm": 1e-3, "cm": 1e-2}


class CaptureError(ValueError):
    """A capture file or folder is malformed."""


@dataclass
class Capture:
    """One capture: geometry, grid, ground truth and a symbol-chunk reader.

    Attributes
    ----------
    name : str
        Capture name (from config).
    source : str
        File or folder it comes from (for messages).
    antenna_positions : [num_antennas, 2], float
        [m]
    grid : OfdmGrid
        Subcarrier grid.
    positions : [num_symbols, 2], float
        Ground-truth UE position of every symbol (MoCap). [m]
    read : callable (start, stop) -> [stop - start, num_antennas, num_subcarriers], complex
        Reads symbols start..stop-1.
    reference_offsets : [num_antennas, num_subcarriers], float, optional
        Phase offsets known independently of the calibration (the emulator's
        injected ones; a DICHASUS dataset's reference-transmitter ones): the
        phase the hardware adds to r_nk, which eq. (21) and (23) remove. [rad]
    symbol_source : callable (symbol) -> str, optional
        The file that holds a symbol, where a capture is many files.
    """

    name: str
    source: str
    antenna_positions: np.ndarray
    grid: OfdmGrid
    positions: np.ndarray
    read: Callable[[int, int], np.ndarray] = field(repr=False)
    reference_offsets: np.ndarray | None = field(default=None, repr=False)
    symbol_source: Callable[[int], str] | None = field(default=None, repr=False)
    """The file that holds a symbol, for messages (a KU Leuven sample file); None: ``source``."""
    notes: tuple[str, ...] = ()
    """What the reader left out of the file, said once (e.g. a 2-D array's other rows)."""
    read_reusing: Callable[[int, int], np.ndarray] | None = field(default=None, repr=False)
    """As ``read``, into one buffer the reader keeps (each call overwrites what the last
    one returned; :meth:`chunks` with ``reuse``); None: the reader has no such form."""

    def where(self, symbol: int) -> str:
        """The file that holds ``symbol`` (``source`` when the capture is one file)."""
        return self.symbol_source(symbol) if self.symbol_source else self.source

    @property
    def num_antennas(self) -> int:
        return len(self.antenna_positions)

    @property
    def num_symbols(self) -> int:
        return len(self.positions)

    def chunks(
        self, chunk_symbols: int, num_symbols: int | None = None, dtype=np.complex128,
        reuse: bool = False,
    ) -> Iterator[tuple[slice, np.ndarray]]:  # fmt: skip
        """Yield (symbol slice, csi [symbols, N, K]) over the first ``num_symbols``.

        In ``dtype`` (complex128 by default), or as stored when ``dtype`` is None.
        ``reuse``: each chunk may be read into the memory of the one before (the reader's
        :attr:`read_reusing`), for a pass that is done with a chunk when it asks for the
        next: a fresh 25 MB array a chunk costs its pages' first touch (0.17 s a pass
        over a paper-size capture).
        """
        read = self.read_reusing if reuse and self.read_reusing is not None else self.read
        total = self.num_symbols if num_symbols is None else num_symbols
        for start in range(0, total, chunk_symbols):
            stop = min(start + chunk_symbols, total)
            yield slice(start, stop), np.asarray(read(start, stop), dtype=dtype)

    def symbols(self, indices: np.ndarray) -> np.ndarray:
        """CSI of selected symbols, [len(indices), N, K], complex128."""
        return np.stack([np.asarray(self.read(i, i + 1), dtype=np.complex128)[0] for i in indices])

    def check(
        self,
        num_symbols: int,
        chunk_symbols: int = 1024,
        progress: Callable[[str], None] | None = None,
        every_seconds: float = 10.0,
    ) -> None:
        """Refuse a capture with no or too few symbols, NaN/infinite samples or all-zero symbols.

        A streamed scan over the first ``num_symbols`` symbols, ``chunk_symbols``
        at a time (memory bounded by one chunk); ``progress`` (e.g. a logger's
        ``info``) hears how far it got every ``every_seconds`` and at the end,
        so a long scan is never silent. It stops at the first bad chunk.
        """
        if self.num_symbols == 0 or num_symbols < 1:
            raise CaptureError(
                f"{self.source}: capture '{self.name}' has {self.num_symbols} symbols and "
                f"{num_symbols} were asked for; expected at least one"
            )
        if self.num_symbols < num_symbols:
            raise CaptureError(
                f"{self.source}: capture '{self.name}' has {self.num_symbols} symbols; "
                f"{num_symbols} were asked for"
            )
        start = last = time.monotonic()
        for sl, csi in self.chunks(chunk_symbols, num_symbols, dtype=None, reuse=True):
            if not np.all(np.isfinite(csi)):
                bad = np.argwhere(~np.isfinite(csi))[0]
                symbol = sl.start + int(bad[0])
                raise CaptureError(
                    f"{self.where(symbol)}: NaN or infinite CSI sample at symbol {symbol}, "
                    f"antenna {bad[1]}, subcarrier {bad[2]} (capture '{self.name}')"
                )
            zero = ~np.any(csi, axis=(1, 2))  # no reshape: a reader's chunk may be a view
            if np.any(zero):
                symbol = sl.start + int(np.argmax(zero))
                raise CaptureError(
                    f"{self.where(symbol)}: symbol {symbol} of capture "
                    f"'{self.name}' is all zero (a dropped or unwritten symbol); "
                    "expected CSI in every symbol"
                )
            now = time.monotonic()
            if progress is not None and (now - last >= every_seconds or sl.stop == num_symbols):
                last = now
                progress(
                    f"{self.source}: checked {sl.stop} of {num_symbols} symbols "
                    f"in {now - start:.1f} s"
                )


def _load_npy(path: Path, mmap: bool = False) -> np.ndarray:
    """np.load that names the file on any failure (truncated, pickled, not an .npy)."""
    try:
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except FileNotFoundError:
        raise CaptureError(f"{path}: missing") from None
    except (ValueError, OSError, EOFError, TypeError, SyntaxError, TokenError) as error:
        raise CaptureError(  # a spoilt header fails numpy's parser in any of these ways
            f"{path}: not a readable numeric .npy array (truncated, pickled or corrupt: {error})"
        ) from None


def _check_positions(
    source: str, positions: np.ndarray, expected_rows: int, what: str
) -> np.ndarray:
    """Positions [rows, 2 or 3] as float, every column checked (a height is kept)."""
    positions = np.asarray(positions)
    if positions.ndim != 2 or positions.shape[1] not in (2, 3) or positions.shape[0] != (
        expected_rows
    ):
        raise CaptureError(
            f"{source}: {what} must have shape [{expected_rows}, 2 or 3], got {positions.shape}"
        )
    if (
        not np.issubdtype(positions.dtype, np.number)
        or np.issubdtype(positions.dtype, np.complexfloating)
        or not np.all(np.isfinite(positions))
    ):
        raise CaptureError(f"{source}: {what} holds NaN, infinite, complex or non-numeric values")
    return positions.astype(float)


def plane_positions(
    ue: np.ndarray, antennas: np.ndarray, ue_source: str, antenna_source: str
) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D (x, y) geometry the model uses, with a UE height used or refused, never dropped.

    With 2 columns both are used as they are; so is a UE height column of zeros beside
    2-column antennas (the array's plane). A third column (a height z) is
    used when the antennas lie on one line parallel to x (equal y and z): every
    distance is then kept exactly by the UE's distance from that line,
    y' = y_a + sign(y - y_a) sqrt((y - y_a)^2 + (z - z_a)^2). It is refused
    when the antennas have no height column, or do not lie on such a line and
    a UE is off their plane (the 2-D model cannot hold that geometry).
    Returns (ue [L, 2], antennas [N, 2]). [m]
    """
    if ue.shape[1] == 2 and antennas.shape[1] == 2:
        return ue, antennas
    if ue.shape[1] == 3 and antennas.shape[1] == 2 and not np.any(ue[:, 2]):
        return ue[:, :2], antennas  # a height column of zeros (KU Leuven ships one): the plane
    if ue.shape[1] == 3 and antennas.shape[1] == 2:
        raise CaptureError(
            f"{ue_source}: the UE positions have a third column (a height), but the antenna "
            f"positions ({antenna_source}) have none to measure it from; give the antennas' "
            "heights too, or 2-column UE positions in the array's plane"
        )
    if ue.shape[1] == 2:  # 3-D antennas, 2-D UE: the UE is taken in the antennas' plane
        ue = np.column_stack([ue, np.full(len(ue), antennas[0, 2])])
    ya, za = antennas[:, 1], antennas[:, 2]
    if np.ptp(ya) <= 1e-9 and np.ptp(za) <= 1e-9:
        dy, dz = ue[:, 1] - ya[0], ue[:, 2] - za[0]
        radial = np.sign(dy) * np.hypot(dy, dz)
        return np.column_stack([ue[:, 0], ya[0] + radial]), antennas[:, :2]
    if np.ptp(za) <= 1e-9 and np.all(np.abs(ue[:, 2] - za[0]) <= 1e-9):
        return ue[:, :2], antennas[:, :2]  # one horizontal plane: nothing to drop
    raise CaptureError(
        f"{antenna_source}: the antennas do not lie on one line parallel to x (y spans "
        f"{np.ptp(ya):.3g} m, z {np.ptp(za):.3g} m), and the UE positions ({ue_source}) are "
        "off their plane: the 2-D model cannot keep the UE height. Give positions in the "
        "array's plane"
    )


def check_ground_truth(capture: Capture) -> None:
    """Refuse a ground truth the geometry cannot localize, naming the capture and the position.

    - behind or on the array's line (a linear array faces +y from it: y - y_a <= 0),
    - within half a wavelength of an antenna (the far-field phase model and the
      SAF's main lobe do not hold there),
    - where the position Fisher information of the LoS model is singular (no
      position bound: all antennas in one direction from the UE).
    """
    ue, antennas = capture.positions, capture.antenna_positions
    where = f"{capture.source}: capture '{capture.name}'"
    collinear_x = np.ptp(antennas[:, 1]) <= 1e-9
    if collinear_x:
        behind = np.flatnonzero(ue[:, 1] - antennas[0, 1] <= 0)
        if len(behind):
            i = int(behind[0])
            raise CaptureError(
                f"{where}: symbol {i} has its UE at {ue[i].round(6).tolist()} m, on or behind "
                f"the array's line y = {antennas[0, 1]:.6g} m; expected a UE in front of it "
                "(y > that), where the geometry bounds the position"
            )
    half_wavelength = SPEED_OF_LIGHT / capture.grid.carrier_frequency / 2
    chunk = max(1, 2**22 // max(1, len(antennas)))
    for start in range(0, len(ue), chunk):  # [symbols, antennas] distances, bounded memory
        d = np.linalg.norm(ue[start : start + chunk, None] - antennas[None], axis=2)
        near = np.argwhere(d < half_wavelength)
        if len(near):
            i, n = int(near[0, 0]) + start, int(near[0, 1])
            raise CaptureError(
                f"{where}: symbol {i} has its UE at {ue[i].round(6).tolist()} m, "
                f"{d[i - start, n]:.3g} m from antenna {n}, closer than half a wavelength "
                f"({half_wavelength:.3g} m); expected a UE away from the array"
            )
    rel = ue.mean(axis=0) - antennas
    u = rel / np.linalg.norm(rel, axis=1, keepdims=True)
    fisher = u.T @ u  # sum_n u_n u_n^T: the LoS position FIM up to a positive factor
    eig = np.linalg.eigvalsh(fisher)
    if eig[0] <= 1e-12 * eig[-1]:
        raise CaptureError(
            f"{where}: its mean UE position {ue.mean(axis=0).round(6).tolist()} m sees every "
            "antenna in one direction: the position Fisher information is singular (no "
            "bound on the position across that direction); expected a UE off the array's axis"
        )


def grid_from_frequencies(source: str, frequencies: np.ndarray, first_index: int = 1) -> OfdmGrid:
    """The OfdmGrid of uniformly spaced subcarrier frequencies f_k = f_c + k Delta f."""
    f = np.asarray(frequencies, dtype=float)
    if f.ndim != 1 or len(f) < 2 or not np.all(np.isfinite(f)):
        raise CaptureError(f"{source}: subcarrier_frequency must be 1-D, finite, >= 2 values")
    spacing = float(np.mean(np.diff(f)))
    if spacing <= 0 or np.max(np.abs(np.diff(f) - spacing)) > 1e-6 * spacing:
        raise CaptureError(
            f"{source}: subcarrier_frequency must be uniformly spaced and increasing"
        )
    return OfdmGrid(
        carrier_frequency=f[0] - first_index * spacing,
        subcarrier_spacing=spacing,
        num_subcarriers=len(f),
        first_subcarrier_index=first_index,
    )


def open_netcdf_capture(path: str | Path, name: str | None = None) -> Capture:
    """Open a capture in this project's NetCDF format (data stay on disk)."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise CaptureError(f"{source}: no such capture file")
    try:
        with h5netcdf.File(path, "r") as f:
            names = set(f.variables)
            missing = {"csi", "antenna_position", "subcarrier_frequency", "ue_position"} - names
            if missing:
                raise CaptureError(f"{source}: missing variable(s) {sorted(missing)}")
            csi = f.variables["csi"]
            if tuple(csi.dimensions) != CSI_DIMS:
                raise CaptureError(
                    f"{source}: csi must have dims {CSI_DIMS}, got {tuple(csi.dimensions)}"
                )
            if not np.issubdtype(csi.dtype, np.complexfloating):
                raise CaptureError(f"{source}: csi must be complex, got dtype {csi.dtype}")
            num_antennas, num_subcarriers, num_symbols = csi.shape
            if num_antennas < 2 or num_symbols < 1:
                raise CaptureError(
                    f"{source}: csi has shape {csi.shape} (antenna, subcarrier, symbol); "
                    "expected >= 2 antennas and >= 1 symbol"
                )
            antennas = np.asarray(f.variables["antenna_position"][...])
            if antennas.ndim != 2 or antennas.shape[0] != num_antennas or antennas.shape[1] not in (
                2, 3
            ) or not np.all(np.isfinite(antennas)):  # fmt: skip
                raise CaptureError(
                    f"{source}: antenna_position must be finite with shape [{num_antennas}, 2] "
                    f"(or 3 with heights), got {antennas.shape}"
                )
            freqs = np.asarray(f.variables["subcarrier_frequency"][...])
            if freqs.shape != (num_subcarriers,):
                raise CaptureError(
                    f"{source}: subcarrier_frequency must have {num_subcarriers} values, "
                    f"got {freqs.shape}"
                )
            first = int(f.variables["subcarrier"][0]) if "subcarrier" in names else 1
            grid = grid_from_frequencies(source, freqs, first)
            positions = _check_positions(
                source, f.variables["ue_position"][...], num_symbols, "ue_position [symbol, axis]"
            )
            positions, antennas = plane_positions(
                positions, antennas.astype(float), f"{source} (ue_position)",
                f"{source} (antenna_position)",
            )  # fmt: skip
            capture_name = name or str(f.attrs.get("capture", path.stem))
            reference = None
            if "reference_offset" in names:
                reference = np.asarray(f.variables["reference_offset"][...], dtype=float)
                if reference.shape != (num_antennas, num_subcarriers) or not np.all(
                    np.isfinite(reference)
                ):
                    raise CaptureError(
                        f"{source}: reference_offset must be finite with shape "
                        f"[{num_antennas}, {num_subcarriers}] (antenna, subcarrier) [rad], "
                        f"got {reference.shape}"
                    )
    except CaptureError:
        raise
    except OSError as error:
        raise CaptureError(f"{source}: not a readable NetCDF/HDF5 file ({error})") from None
    except (ValueError, KeyError, IndexError, TypeError, RuntimeError) as error:
        raise CaptureError(
            f"{source}: not a capture in this project's layout ({type(error).__name__}: {error})"
        ) from None

    def unreadable(start: int, stop: int, error: Exception) -> CaptureError:
        return CaptureError(f"{source}: symbols {start}..{stop - 1} are unreadable "
                            f"({type(error).__name__}: {error})")  # fmt: skip

    def read(start: int, stop: int) -> np.ndarray:
        try:
            with h5netcdf.File(path, "r") as f:
                return np.moveaxis(f.variables["csi"][:, :, start:stop], -1, 0)
        except (OSError, ValueError, KeyError, IndexError, TypeError, RuntimeError) as error:
            raise unreadable(start, stop, error) from None

    held = {}  # read_reusing's buffer [N, K, symbols], as stored

    def read_reusing(start: int, stop: int) -> np.ndarray:
        import h5py  # h5netcdf's own reader, for read_direct into the buffer

        try:
            with h5py.File(path, "r") as f:
                data = f["csi"]
                buffer = held.get("csi")
                if buffer is None or buffer.shape[-1] < stop - start:
                    buffer = held["csi"] = np.empty((*data.shape[:2], stop - start), data.dtype)
                data.read_direct(buffer, np.s_[:, :, start:stop], np.s_[:, :, : stop - start])
                return np.moveaxis(buffer[:, :, : stop - start], -1, 0)
        except (OSError, ValueError, KeyError, IndexError, TypeError, RuntimeError) as error:
            raise unreadable(start, stop, error) from None

    return Capture(capture_name, source, antennas.astype(float), grid, positions, read, reference,
                   read_reusing=read_reusing)  # fmt: skip


def open_kuleuven_capture(
    folder: str | Path,
    first_sample: int,
    num_samples: int,
    grid: OfdmGrid,
    *,
    name: str = "kuleuven",
    position_unit: str = "mm",
    antenna_positions: np.ndarray | None = None,
) -> Capture:
    """A capture from a folder in the KU Leuven Ultra Dense Indoor MaMIMO CSI layout.

    Parameters
    ----------
    folder : path
        Holds ``samples/channel_measurement_XXXXXX.npy`` and ``user_positions.npy``.
    first_sample, num_samples : int
        The samples (``XXXXXX`` indices) that make up the capture; they play the
        role of the symbol axis.
    grid : OfdmGrid
        The testbed's subcarrier grid (the layout does not store it).
    position_unit : {"m", "cm", "mm"}
        Unit of ``user_positions.npy`` and ``antenna_positions.npy``.
    antenna_positions : [num_antennas, 2], optional
        Used when the folder has no ``antenna_positions.npy``. [m]
    """
    folder = Path(folder)
    source = str(folder)
    if position_unit not in POSITION_UNITS:
        raise CaptureError(
            f"position_unit must be one of {sorted(POSITION_UNITS)}, got {position_unit!r}"
        )
    scale = POSITION_UNITS[position_unit]
    if not folder.is_dir():
        raise CaptureError(f"{source}: no such folder")
    positions_file = folder / "user_positions.npy"
    if not positions_file.is_file():
        raise CaptureError(f"{positions_file}: missing (ground-truth positions are required)")
    all_positions = _load_npy(positions_file, mmap=True)
    last = first_sample + num_samples
    if all_positions.ndim != 2:
        raise CaptureError(
            f"{positions_file}: expected a [samples, 2 or 3] array, got shape {all_positions.shape}"
        )
    if all_positions.shape[0] < last:
        raise CaptureError(
            f"{positions_file}: has positions for "
            f"{all_positions.shape[0] if all_positions.ndim else 0} "
            f"samples; samples {first_sample}..{last - 1} were asked for"
        )
    positions = scale * _check_positions(
        str(positions_file), all_positions[first_sample:last], num_samples, "user_positions"
    )
    antenna_file = folder / "antenna_positions.npy"
    if antenna_file.is_file():
        raw = _load_npy(antenna_file)
        if raw.ndim != 2:
            raise CaptureError(
                f"{antenna_file}: expected a [antennas, 2 or 3] array, got shape {raw.shape}"
            )
        antennas = scale * _check_positions(str(antenna_file), raw, len(raw), "antenna_positions")
        if len(antennas) < 2:
            raise CaptureError(f"{antenna_file}: {len(antennas)} antenna(s); expected >= 2")
    elif antenna_positions is not None:
        antennas = np.asarray(antenna_positions, dtype=float)
    else:
        raise CaptureError(f"{antenna_file}: missing, and no antenna positions were given")
    sample_files = [
        folder / "samples" / f"channel_measurement_{i:06d}.npy" for i in range(first_sample, last)
    ]
    missing = [p.name for p in sample_files if not p.is_file()]
    if missing:
        raise CaptureError(
            f"{folder / 'samples'}: missing {len(missing)} sample file(s), first {missing[0]}"
        )
    expected = (len(antennas), grid.num_subcarriers)
    first = _load_npy(sample_files[0], mmap=True)
    if (
        antenna_file.is_file()
        and first.ndim == 2
        and first.shape[1] == grid.num_subcarriers
        and first.shape[0] != len(antennas)
    ):  # the samples agree with the grid: it is the antenna file that is off
        raise CaptureError(
            f"{antenna_file}: {len(antennas)} antenna rows, but the samples "
            f"({sample_files[0].name}, ...) hold {first.shape[0]} antennas; expected one row "
            "per antenna"
        )
    for p in sample_files:  # header-only check of every sample: shape and dtype
        arr = _load_npy(p, mmap=True)
        if arr.shape != expected or not np.issubdtype(arr.dtype, np.complexfloating):
            raise CaptureError(
                f"{p}: expected a complex matrix of shape {expected}, got {arr.dtype} {arr.shape}"
            )
    positions, antennas = plane_positions(
        positions, antennas, str(positions_file),
        str(antenna_file) if antenna_file.is_file() else "the configured array",
    )  # fmt: skip

    def read(start: int, stop: int) -> np.ndarray:
        return np.stack([_load_npy(p) for p in sample_files[start:stop]])

    return Capture(name, source, antennas, grid, positions, read,
                   symbol_source=lambda i: str(sample_files[i]))  # fmt: skip


def check_compatible(reference: Capture, other: Capture) -> None:
    """Refuse a held-out capture whose array or subcarrier grid differs from the calibration's.

    The offsets estimated on ``reference`` are per antenna and subcarrier: they
    apply to ``other`` only with the same antennas and frequencies.
    """
    where = f"{other.source}: capture '{other.name}'"
    ref = f"calibration capture '{reference.name}' ({reference.source})"
    if other.antenna_positions.shape != reference.antenna_positions.shape or not np.allclose(
        other.antenna_positions, reference.antenna_positions, rtol=0, atol=1e-6
    ):
        raise CaptureError(
            f"{where} has {other.num_antennas} antennas at other positions than the {ref} "
            f"({reference.num_antennas} antennas); the calibration does not apply"
        )
    a, b = reference.grid, other.grid
    fa, fb = np.asarray(a.frequencies), np.asarray(b.frequencies)
    if fa.shape != fb.shape or not np.allclose(fa, fb, rtol=1e-9, atol=0):
        raise CaptureError(
            f"{where}: subcarrier frequencies {fb[0]:.9g} .. {fb[-1]:.9g} Hz "
            f"({b.num_subcarriers} subcarriers) differ from the {ref}'s "
            f"{fa[0]:.9g} .. {fa[-1]:.9g} Hz ({a.num_subcarriers}); the calibration does not apply"
        )
