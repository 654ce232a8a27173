# chen2022: CRB-M1, CRB-M2, MCRB/LB, MLE and MMLE (Secs. II-V), Figs. 2-4, Table I, claims.
# Stages: realization (seeded, saved) -> bounds vs power; Monte Carlo shards of the
# estimators, of each impairment alone and of Fig. 4's PN, CFO and MC sweeps (gathered) ->
# figures, tables, claims.

# --- results root, path keys and targets ----------------------------------------
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


rule chen2022_realization:
    localrule: True
    output:
        realization=f"{CHEN2022}/impairments/{CHEN2022_KEY}/realization.nc",
    params:
        cfg=chen2022_params(),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/realization_{CHEN2022_KEY}.log",
    script:
        "../scripts/chen2022_realization.py"


rule chen2022_bounds:
    group: "chen2022"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    input:
        realization=f"{CHEN2022}/impairments/{CHEN2022_KEY}/realization.nc",
    output:
        bounds=f"{CHEN2022}/bounds/{CHEN2022_KEY}/bounds.nc",
    params:
        cfg=chen2022_params("power_dbm"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/bounds_{CHEN2022_KEY}.log",
    script:
        "../scripts/chen2022_bounds.py"


rule chen2022_shard:
    group: "chen2022"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    resources:  # measured on the paper profile, with margin  # one Monte Carlo shard of Figs. 2-4
        mem_mb=2000,  # [MB]
        runtime=60,  # [min]
    input:
        realization=f"{CHEN2022}/impairments/{CHEN2022_KEY}/realization.nc",
    output:
        shard=f"{CHEN2022}/{{experiment}}/{{ckey}}/shard~{{shard}}.nc",
    params:
        cfg=chen2022_shard_params,
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/{{experiment}}/{{ckey}}/shard{{shard}}.log",
    script:
        "../scripts/chen2022_shard.py"


rule chen2022_gather:
    localrule: True
    input:
        shards=chen2022_shards,
    output:
        gathered=f"{CHEN2022}/{{experiment}}/{{ckey}}/all.nc",
    params:
        cfg=chen2022_gather_params,
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/{{experiment}}/{{ckey}}/gather.log",
    script:
        "../scripts/chen2022_gather.py"


rule chen2022_fig2:
    localrule: True
    input:
        bounds=f"{CHEN2022}/bounds/{CHEN2022_KEY}/bounds.nc",
        montecarlo=f"{CHEN2022}/montecarlo/{CHEN2022_KEY}/all.nc",
        draws=f"{CHEN2022}/hardware_draws/{CHEN2022_KEY}/all.nc",
    output:
        pdf=f"{CHEN2022}/figures/fig2.pdf",
        png=report(f"{CHEN2022}/figures/fig2.png", caption="../report/chen2022_fig2.rst", category="chen2022"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/figures/fig2.log",
    script:
        "../scripts/chen2022_fig2.py"


rule chen2022_fig3:
    localrule: True
    input:
        **chen2022_individual(),
    output:
        pdf=f"{CHEN2022}/figures/fig3.pdf",
        png=report(f"{CHEN2022}/figures/fig3.png", caption="../report/chen2022_fig3.rst", category="chen2022"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/figures/fig3.log",
    script:
        "../scripts/chen2022_fig3.py"


rule chen2022_fig4:
    localrule: True
    input:
        **{f"sweep_{k}": v for k, v in chen2022_sweeps().items()},
    output:
        pdf=f"{CHEN2022}/figures/fig4.pdf",
        png=report(f"{CHEN2022}/figures/fig4.png", caption="../report/chen2022_fig4.rst", category="chen2022"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/figures/fig4.log",
    script:
        "../scripts/chen2022_fig4.py"


rule chen2022_table1:
    localrule: True
    output:
        csv=f"{CHEN2022}/figures/table1.csv",
        md=f"{CHEN2022}/figures/table1.md",
    params:
        paper="chen2022",
        cfg=chen2022_params(),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/figures/table1.log",
    script:
        "../scripts/table1.py"


rule chen2022_claims:
    localrule: True
    input:
        claims=CLAIMS["chen2022"],
        bounds=f"{CHEN2022}/bounds/{CHEN2022_KEY}/bounds.nc",
        montecarlo=f"{CHEN2022}/montecarlo/{CHEN2022_KEY}/all.nc",
        **{f"sweep_{k}": v for k, v in chen2022_sweeps().items()},
        draws=f"{CHEN2022}/hardware_draws/{CHEN2022_KEY}/all.nc",
        **chen2022_individual(),
    output:
        csv=report(f"{CHEN2022}/claims.csv", caption="../report/chen2022_claims.rst", category="chen2022"),
        md=f"{CHEN2022}/claims.md",
    params:
        levels={k: config["chen2022"]["impairments"][k] for k in SWEEP_LEVELS.values()},
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/claims.log",
    script:
        "../scripts/chen2022_claims.py"


rule chen2022_assumptions:
    input:
        claims=CLAIMS["chen2022"],
    output:
        nc=f"{CHEN2022}/assumptions/assumptions.nc",
        md=f"{CHEN2022}/assumptions/assumptions.md",
        pdf=f"{CHEN2022}/assumptions/assumptions.pdf",
        png=report(f"{CHEN2022}/assumptions/assumptions.png", caption="../report/assumptions.rst", category="chen2022"),
    params:
        paper="chen2022",
        cfg=chen2022_params("power_dbm", "assumptions"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/assumptions.log",
    script:
        "../scripts/assumptions.py"
