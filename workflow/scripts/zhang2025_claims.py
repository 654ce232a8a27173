"""Claims (zhang2025): every claim of config/claims/zhang2025.yaml computed by id and graded.

Inputs: claims (the claims file), scenario, fig4, fig5, fig6, pmsr_frequency,
pmsr_spatial, calibration, evaluations (Sec. V), assumptions (the fit's scan). Params:
max_antennas, source, pmsr_form.
Outputs: csv, md.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.claims import evaluate, headline, load_claims, write_claims_table
from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.zhang2025.claims import ClaimInputs
from hwiloc.papers.zhang2025.stages import scenario_from_dataset
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_claims")
i = snakemake.input
inputs = ClaimInputs(
    scenario=scenario_from_dataset(read_dataset(i.scenario)),
    saf_cases={case: read_dataset(i[case]) for case in ("fig4", "fig5", "fig6")},
    pmsr_frequency=read_dataset(i.pmsr_frequency),
    pmsr_spatial=read_dataset(i.pmsr_spatial),
    max_antennas=int(snakemake.params.max_antennas),
    evaluations=tuple(read_dataset(p) for p in i.evaluations),
    calibration=read_dataset(i.calibration),
    source=snakemake.params.source,
    pmsr_form=snakemake.params.pmsr_form,
    assumptions=read_dataset(i.assumptions),
)
table = evaluate(load_claims(i.claims), inputs, measured_data=snakemake.params.source != "emulator")
write_claims_table(table, snakemake.output.csv, snakemake.output.md, "zhang2025",
                   "zhang2025: claims of the paper, graded")  # fmt: skip
log.info("%s", headline(table, "zhang2025"))
