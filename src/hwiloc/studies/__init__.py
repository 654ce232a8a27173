"""Parameter studies beyond the papers, built on the paper packages.

:mod:`hwiloc.studies.parameter_studies` turns one row of a study table
(``config/studies/*.tsv``) into a self-describing dataset through the paper
packages (:mod:`hwiloc.papers`); :mod:`hwiloc.studies.figures` draws each
study's figure. Rules: ``workflow/rules/studies.smk``; config: ``studies``.
"""
