"""zhang2025: Q. Zhang et al., "Robust Localization in OFDM-Based Massive MIMO through
Phase Offset Calibration" (KU Leuven, 2025, arXiv 2601.14244).

The CRLB of the UE position under frequency- and antenna-dependent phase
offsets (Sec. III, Fig. 3), the spatial ambiguity function and its PMSR
(Sec. IV, Figs. 4-7), and the calibration of measured CSI on a 64-antenna
testbed, emulated or the user's own captures (Sec. V, Figs. 2 and 9). Modules:
``system`` (Table I, the UE, the offset draws), ``stages`` (scenario, offsets,
CRLB, SAF, PMSR datasets), ``measured`` (Sec. V: captures, calibration,
evaluation), ``claims``, ``assumptions`` (SNR, R and Omega fitted to the
claims), ``figures``, ``table1``. Rules: ``workflow/rules/zhang2025.smk``;
scripts: ``workflow/scripts/zhang2025_*.py`` (and the shared ``table1.py``,
``assumptions.py``); config section ``zhang2025``: ``config.yaml``, ``quick.yaml``,
``config.schema.yaml`` and ``hooks.py`` beside this file;
claims ``config/claims/zhang2025.yaml``; outputs ``results/zhang2025/``.
"""
