"""chen2022: one Monte Carlo shard of an experiment (montecarlo, individual, pn_sweep,
cfo_sweep, mc_sweep, hardware_draws).

Inputs: realization. Wildcards: experiment, ckey (seed~S[/impairment~I]), shard.
Params: cfg. Outputs: shard (NetCDF).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.chen2022.stages import (
    hardware_draws_shard_dataset,
    hardware_from_dataset,
    individual_shard_dataset,
    level_sweep_shard_dataset,
    montecarlo_shard_dataset,
)
from hwiloc.papers.chen2022.system import System
from hwiloc.runlog import Progress, job_logger

log = job_logger(snakemake, "chen2022_shard")
cfg = snakemake.params.cfg
w = snakemake.wildcards
system = System.from_config(cfg)
shard, seed = int(w.shard), int(cfg["seed"])
section = cfg[w.experiment]
count = -(-section.get("num_trials", section.get("num_realizations", 1)) // section["num_shards"])
progress = Progress(log, count * (len(cfg["power_dbm"]) if w.experiment == "montecarlo" else 1))
if w.experiment == "montecarlo":
    hardware = hardware_from_dataset(read_dataset(snakemake.input.realization))
    ds = montecarlo_shard_dataset(
        system, hardware, cfg["power_dbm"], section, shard, seed, cfg, progress.step
    )
elif w.experiment == "individual":
    impairment = w.ckey.split("impairment~")[1]
    ds = individual_shard_dataset(system, impairment, section, shard, seed, cfg, progress.step)
elif w.experiment == "hardware_draws":
    ds = hardware_draws_shard_dataset(
        system, section, cfg["power_dbm"], shard, seed, cfg, progress.step
    )
else:  # a Fig. 4 sweep: pn_sweep, cfo_sweep or mc_sweep
    impairment = w.experiment.removesuffix("_sweep")
    ds = level_sweep_shard_dataset(system, impairment, section, shard, seed, cfg, progress.step)
write_dataset(ds, snakemake.output.shard)
log.info("wrote %s", snakemake.output.shard)
