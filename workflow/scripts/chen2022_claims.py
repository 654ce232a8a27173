"""Claims (chen2022): every claim of config/claims/chen2022.yaml computed by id and graded.

Inputs: claims (the claims file), witnesses, bounds, montecarlo, sweep_pn, sweep_cfo, sweep_mc,
draws, predicted, pn, cfo, mc, pa. Params: levels (Table I's phase_noise_std [rad], cfo_std
[Delta f], coupling_residual_std [-]).
Outputs: csv, md.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.claims import evaluate, headline, load_claims, write_claims_table
from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.chen2022.claims import ClaimInputs
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "chen2022_claims")
i = snakemake.input
inputs = ClaimInputs(
    bounds=read_dataset(i.bounds),
    montecarlo=read_dataset(i.montecarlo),
    individual={k: read_dataset(i[k]) for k in ("pn", "cfo", "mc", "pa")},
    sweeps={k: read_dataset(i[f"sweep_{k}"]) for k in ("pn", "cfo", "mc")},
    draws=read_dataset(i.draws),
    levels={k: float(v) for k, v in snakemake.params.levels.items()},
    witnesses=read_dataset(i.witnesses),
    predicted=read_dataset(i.predicted),
)
table = evaluate(load_claims(i.claims), inputs)
write_claims_table(table, snakemake.output.csv, snakemake.output.md, "chen2022",
                   "chen2022: claims of the paper, graded")  # fmt: skip
log.info("%s", headline(table, "chen2022"))
