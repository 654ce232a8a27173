"""The claims machinery that no paper owns: claims as data, the registry, grading, fits.

- :mod:`hwiloc.claims.registry`: a paper's claims file (``config/claims/<paper>.yaml``),
  its schema and rules, the registry of the functions that compute each claim by
  id (a paper's ``hwiloc.papers.<paper>.claims`` registers them), and the
  graded verdicts.
- :mod:`hwiloc.claims.assumptions`: the values a paper leaves out, fitted to
  the claims it does state (each paper gives its grid of unknowns in
  ``hwiloc.papers.<paper>.assumptions``).

The registry's names are importable from here (``from hwiloc.claims import
load_claims, evaluate``).
"""

from hwiloc.claims.registry import (
    EVIDENCE,
    LEVELS,
    NUM_RESAMPLES,
    SCHEMA,
    UNGRADED,
    ClaimsError,
    ClaimsFile,
    ClaimSpec,
    Measured,
    bootstrap_picks,
    check_registry,
    claims_module,
    claims_path,
    evaluate,
    headline,
    load_claims,
    measure,
    register,
    registered,
    verdict_counts,
    worst_witness,
    write_claims_table,
)

__all__ = [
    "EVIDENCE",
    "LEVELS",
    "NUM_RESAMPLES",
    "SCHEMA",
    "UNGRADED",
    "ClaimSpec",
    "ClaimsError",
    "ClaimsFile",
    "Measured",
    "bootstrap_picks",
    "check_registry",
    "claims_module",
    "claims_path",
    "evaluate",
    "headline",
    "load_claims",
    "measure",
    "register",
    "registered",
    "verdict_counts",
    "worst_witness",
    "write_claims_table",
]
