"""Fig. 1 of Chen et al. (GLOBECOM 2022): bounds vs transmit power, near vs far field."""

from __future__ import annotations

import xarray as xr

from hwiloc.plotting import new_figure


def fig1(bounds: xr.Dataset):
    """PEB of CRB-FF, CRB-NF and the LB of the far-field estimator (left); AEB (right)."""
    fig, (left, right) = new_figure(1, 2, figsize=(9.0, 3.8))
    p = bounds["power_dbm"]
    left.semilogy(p, bounds["peb_lb"], "k+-", label="LB (far-field model, near-field data)")
    left.semilogy(p, bounds["peb_crb_ff"], "b^-", mfc="none", label="CRB-FF")
    left.semilogy(p, bounds["peb_crb_nf"], "r-", label="CRB-NF")
    left.semilogy(p, bounds["position_bias"], ":", color="0.4", label="|bias| of the position")
    left.set_ylabel("position error bound [m]")
    left.set_title("(a) PEB")
    right.semilogy(p, bounds["aeb_lb"], "k+-", label="LB")
    right.semilogy(p, bounds["aeb_crb_ff"], "b^-", mfc="none", label="CRB-FF")
    right.semilogy(p, bounds["aeb_crb_nf"], "r-", label="CRB-NF")
    right.set_ylabel("angle error bound [deg]")
    right.set_title("(b) AEB")
    for ax in (left, right):
        ax.set_xlabel("transmit power P [dBm]")
        ax.legend(loc="upper right")
    return fig
