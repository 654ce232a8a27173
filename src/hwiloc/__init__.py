"""hwiloc: radio localization under hardware impairments.

The library behind the reproducible pipeline: geometry, OFDM, observation
models, impairments, bounds, ambiguity functions, estimators, calibration,
NetCDF conventions and plotting.
"""

__all__ = ["__version__"]


def __getattr__(name: str):
    """``__version__``, read from the installed package's metadata when first asked for
    (importlib.metadata costs 50 ms; a job that never writes a file need not pay it)."""
    if name != "__version__":
        raise AttributeError(f"module 'hwiloc' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("hwiloc")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        value = "0+unknown"
    globals()["__version__"] = value
    return value
