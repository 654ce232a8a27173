"""File formats: NetCDF conventions (and, later, measured-CSI readers)."""
