"""chen2022: H. Chen et al., "MCRB-based Performance Analysis of 6G Localization under
Hardware Impairments" (IEEE ICC Workshops 2022, arXiv 2204.12788).

An OFDM uplink with phase noise, CFO, mutual coupling and PA nonlinearity: the
CRB of the true model (M1) and of the mismatched one (M2), the misspecified CRB
with its pseudo-true parameter and the LB (Fig. 2), the MLE and mismatched MLE
by Monte Carlo (Fig. 2), each impairment alone (Fig. 3) and a phase-noise sweep
(Fig. 4). The paper lost its formulas; the repository's spec restores them.
Modules: ``system`` (Table I, the hardware draws, the models M1 and M2),
``stages`` (realization, bounds, Monte Carlo shards, gather), ``claims``,
``assumptions`` (CFO model, G and CFO spread fitted to the claims),
``figures``, ``table1``. Rules: ``workflow/rules/chen2022.smk``; scripts:
``workflow/scripts/chen2022_*.py`` (and the shared ``table1.py``,
``assumptions.py``); config section ``chen2022``: ``config.yaml``, ``quick.yaml``,
``config.schema.yaml`` and ``hooks.py`` beside this file;
claims ``config/claims/chen2022.yaml``; outputs ``results/chen2022/``.
"""
