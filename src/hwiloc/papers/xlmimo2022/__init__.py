"""xlmimo2022: H. Chen et al., "Channel Model Mismatch Analysis for XL-MIMO Systems from a
Localization Perspective" (IEEE GLOBECOM 2022).

A far-field localizer on near-field data of an extra-large array: the CRB of
the far-field and of the near-field model and the LB of the mismatched
estimator versus transmit power (their Fig. 1), built only from the generic
bounds engine and a model definition (:mod:`hwiloc.models.xlmimo`, JAX), and
checked against the authors' public MATLAB. It is the smallest paper package
and the worked example of the guide "Add a paper". Modules: ``system`` (the
authors' scenario and the two models), ``stages`` (bounds vs power),
``claims`` (the authors' Fig. 1 values, JAX-free), ``figures``, ``table1``.
Rules: ``workflow/rules/xlmimo2022.smk``; scripts:
``workflow/scripts/xlmimo2022_*.py`` (and the shared ``table1.py``); config
section ``xlmimo2022``: ``config.yaml``, ``quick.yaml`` and ``config.schema.yaml``
beside this file, and ``hooks.py``; claims
``config/claims/xlmimo2022.yaml``; outputs ``results/xlmimo2022/``.
"""
