# xlmimo2022: near-field truth vs far-field model of an XL-MIMO array (H. Chen et al.,
# GLOBECOM 2022, Fig. 1), built only from the generic bounds engine and a model definition.
# bounds vs power (NetCDF + bounds.csv) and the MMLE / MLE Monte Carlo (sharded) -> Fig. 1, claims
# against the authors' data (config/claims/xlmimo2022_fig1.tsv); Table I of the parameters as used.
# Its paths, targets and params: workflow/rules/xlmimo2022_paths.smk.


rule xlmimo2022_bounds:
    priority: 10  # a long job at the head of the prediction, Fig. 1 and the claims
    group: "xlmimo2022"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    output:
        bounds=f"{XLMIMO2022}/bounds.nc",
        csv=f"{XLMIMO2022}/bounds.csv",
    params:
        cfg=XLMIMO2022_BOUND_KEYS,  # not the Monte Carlo's: its trials rerun no bound
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/xlmimo2022/bounds.log",
    script:
        "../scripts/xlmimo2022_bounds.py"


rule xlmimo2022_global_accuracy:
    group: "xlmimo2022"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    input:
        bounds=f"{XLMIMO2022}/bounds.nc",
    output:
        predicted=f"{XLMIMO2022}/global_accuracy/predicted.nc",
    params:
        cfg={**XLMIMO2022_BOUND_KEYS, "coarse": config["xlmimo2022"]["montecarlo"]["coarse"]},
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/xlmimo2022/global_accuracy.log",
    script:
        "../scripts/xlmimo2022_global_accuracy.py"


rule xlmimo2022_montecarlo_shard:
    priority: 10  # a long job at the head of Fig. 1 and the claims: early, not last
    group: "xlmimo2022"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    output:
        shard=f"{XLMIMO2022}/montecarlo/shard~{{shard}}.nc",
    params:
        cfg=config["xlmimo2022"],
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/xlmimo2022/montecarlo/shard{{shard}}.log",
    script:
        "../scripts/xlmimo2022_montecarlo.py"


rule xlmimo2022_montecarlo_gather:
    localrule: True
    input:
        shards=expand(f"{XLMIMO2022}/montecarlo/shard~{{shard}}.nc",
                      shard=range(config["xlmimo2022"]["montecarlo"]["num_shards"])),
    output:
        gathered=f"{XLMIMO2022}/montecarlo/all.nc",
    params:
        cfg=config["xlmimo2022"],
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/xlmimo2022/montecarlo/gather.log",
    script:
        "../scripts/xlmimo2022_montecarlo_gather.py"


rule xlmimo2022_fig1:
    localrule: True
    input:
        bounds=f"{XLMIMO2022}/bounds.nc",
        montecarlo=f"{XLMIMO2022}/montecarlo/all.nc",
        reference=XLMIMO2022_REFERENCE,
        predicted=f"{XLMIMO2022}/global_accuracy/predicted.nc",
    output:
        pdf=f"{XLMIMO2022}/figures/fig1.pdf",
        png=report(f"{XLMIMO2022}/figures/fig1.png", caption="../report/xlmimo2022_fig1.rst", category="xlmimo2022"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/xlmimo2022/fig1.log",
    script:
        "../scripts/xlmimo2022_fig1.py"


rule xlmimo2022_table1:
    localrule: True
    output:
        csv=f"{XLMIMO2022}/figures/table1.csv",
        md=f"{XLMIMO2022}/figures/table1.md",
    params:
        paper="xlmimo2022",
        cfg=XLMIMO2022_BOUND_KEYS,  # the table lists the system, effects and powers
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/xlmimo2022/figures/table1.log",
    script:
        "../scripts/table1.py"


rule xlmimo2022_claims:
    localrule: True
    input:
        claims=CLAIMS["xlmimo2022"],
        bounds=f"{XLMIMO2022}/bounds.nc",
        montecarlo=f"{XLMIMO2022}/montecarlo/all.nc",
        reference=XLMIMO2022_REFERENCE,
        predicted=f"{XLMIMO2022}/global_accuracy/predicted.nc",
    output:
        csv=report(f"{XLMIMO2022}/claims.csv", caption="../report/xlmimo2022_claims.rst", category="xlmimo2022"),
        md=f"{XLMIMO2022}/claims.md",
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/xlmimo2022/claims.log",
    script:
        "../scripts/xlmimo2022_claims.py"
