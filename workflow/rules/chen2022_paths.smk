# chen2022: its results root, path keys, targets and the params of its rules: the
# helpers of workflow/rules/chen2022.smk (snakemake --lint keeps functions apart from
# rules). The Snakefile includes this file, then that one, by discovery.

CHEN2022 = f"{RESULTS}/chen2022"
CHEN2022_CFG = config["chen2022"]
CHEN2022_KEY = f"seed~{CHEN2022_CFG['seed']}"
SHARD_SECTIONS = {"montecarlo": "montecarlo", "individual": "individual", "pn_sweep": "pn_sweep",
                  "cfo_sweep": "cfo_sweep", "mc_sweep": "mc_sweep",
                  "hardware_draws": "hardware_draws"}  # fmt: skip
from hwiloc.papers.chen2022.system import SWEEP_LEVELS  # Fig. 4: impairment -> level


def chen2022_params(*sections):
    """system and impairments (what every chen2022 rule uses) plus the named sections."""
    return {k: CHEN2022_CFG[k] for k in ("system", "impairments", "seed", *sections)}


def chen2022_shards(wildcards):
    num = CHEN2022_CFG[SHARD_SECTIONS[wildcards.experiment]]["num_shards"]
    return expand(
        f"{CHEN2022}/{wildcards.experiment}/{wildcards.ckey}/shard~{{shard}}.nc", shard=range(num)
    )


def chen2022_gather_params(wildcards):
    return chen2022_params(SHARD_SECTIONS[wildcards.experiment])


def chen2022_shard_params(wildcards):
    extra = ("power_dbm",) if wildcards.experiment in ("montecarlo", "hardware_draws") else ()
    return chen2022_params(SHARD_SECTIONS[wildcards.experiment], *extra)


def chen2022_individual():
    return {
        imp: f"{CHEN2022}/individual/{CHEN2022_KEY}/impairment~{imp}/all.nc" for imp in ("pn", "cfo", "mc", "pa")
    }


def chen2022_sweeps():
    return {imp: f"{CHEN2022}/{imp}_sweep/{CHEN2022_KEY}/all.nc" for imp in SWEEP_LEVELS}


def chen2022_targets():
    return [
        *expand(f"{CHEN2022}/figures/{{name}}.{{ext}}", name=["fig2", "fig3", "fig4"], ext=["pdf", "png"]),
        f"{CHEN2022}/figures/table1.csv",
        f"{CHEN2022}/figures/table1.md",
        f"{CHEN2022}/claims.csv",
        f"{CHEN2022}/claims.md",
        *expand(f"{CHEN2022}/assumptions/assumptions.{{ext}}", ext=["nc", "md", "pdf", "png"]),
    ]


wildcard_constraints:
    experiment=r"montecarlo|individual|pn_sweep|cfo_sweep|mc_sweep|hardware_draws",
    ckey=r"seed~\d+(/impairment~(pn|cfo|mc|pa))?",



TARGETS["chen2022"] = chen2022_targets
TARGET_KEYS += [(f"{CHEN2022}/", {"seed": ("chen2022.seed", [CHEN2022_CFG["seed"]])})]  # fmt: skip
