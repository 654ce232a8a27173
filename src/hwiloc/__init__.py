"""hwiloc: radio localization under hardware impairments.

The library behind the reproducible pipeline: geometry, OFDM, observation
models, impairments, bounds, ambiguity functions, estimators, calibration,
NetCDF conventions and plotting.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hwiloc")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
