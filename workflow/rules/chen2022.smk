# chen2022: CRB-M1, CRB-M2, MCRB/LB, MLE and MMLE (Secs. II-V), Figs. 2-4, Table I, claims.
# Stages: realization (seeded, saved) -> bounds vs power; Monte Carlo shards of the
# estimators, of each impairment alone and of Fig. 4's PN, CFO and MC sweeps (gathered) ->
# figures, tables, claims.
# Its paths, targets and params: workflow/rules/chen2022_paths.smk.


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


rule chen2022_global_accuracy:
    group: "chen2022"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    input:
        realization=f"{CHEN2022}/impairments/{CHEN2022_KEY}/realization.nc",
        bounds=f"{CHEN2022}/bounds/{CHEN2022_KEY}/bounds.nc",
    output:
        predicted=f"{CHEN2022}/global_accuracy/{CHEN2022_KEY}/predicted.nc",
    params:  # the estimators' grid, not the Monte Carlo's trials: they rerun no prediction
        cfg={**chen2022_params("power_dbm"), "montecarlo": {k: CHEN2022_CFG["montecarlo"][k]
             for k in ("grid_theta_step", "grid_tau_step", "grid_tau_max")}},
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/global_accuracy_{CHEN2022_KEY}.log",
    script:
        "../scripts/chen2022_global_accuracy.py"


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
        predicted=f"{CHEN2022}/global_accuracy/{CHEN2022_KEY}/predicted.nc",
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


rule chen2022_witnesses:
    group: "chen2022"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    output:
        witnesses=f"{CHEN2022}/witnesses/{CHEN2022_KEY}/witnesses.nc",
    params:
        cfg=chen2022_params(
            "power_dbm", "individual", "witnesses", "assumptions", "montecarlo", "cfo_sweep"
        ),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/chen2022/witnesses_{CHEN2022_KEY}.log",
    script:
        "../scripts/chen2022_witnesses.py"


rule chen2022_claims:
    localrule: True
    input:
        claims=CLAIMS["chen2022"],
        witnesses=f"{CHEN2022}/witnesses/{CHEN2022_KEY}/witnesses.nc",
        bounds=f"{CHEN2022}/bounds/{CHEN2022_KEY}/bounds.nc",
        montecarlo=f"{CHEN2022}/montecarlo/{CHEN2022_KEY}/all.nc",
        **{f"sweep_{k}": v for k, v in chen2022_sweeps().items()},
        draws=f"{CHEN2022}/hardware_draws/{CHEN2022_KEY}/all.nc",
        predicted=f"{CHEN2022}/global_accuracy/{CHEN2022_KEY}/predicted.nc",
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
