# hwi_catalogue: CRB-M1, CRB-M2 and the LB versus the level of each impairment chen2022 left
# for later (IQ imbalance, array errors, ADC, correlated phase noise), alone, on its scenario.
# One sweep per impairment (from chen2022's Fig. 2 realization) -> its figure (a job each);
# all sweeps -> the tolerance table, ranked (docs/hwi_catalogue_results.md).
# Its paths, targets and params: workflow/rules/hwi_catalogue_paths.smk.


rule hwi_catalogue_sweep:
    group: "studies"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    input:
        realization=f"{CHEN2022}/impairments/{CHEN2022_KEY}/realization.nc",
    output:
        sweep=f"{HWI_CATALOGUE}/{{impairment}}/{HWI_CATALOGUE_KEY}/sweep.nc",
    params:
        cfg=hwi_catalogue_params,
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/hwi_catalogue/{{impairment}}/{HWI_CATALOGUE_KEY}/sweep.log",
    script:
        "../scripts/hwi_catalogue_sweep.py"


rule hwi_catalogue_figure:
    localrule: True
    input:
        sweep=f"{HWI_CATALOGUE}/{{impairment}}/{HWI_CATALOGUE_KEY}/sweep.nc",
    output:  # one job a figure (0.7 s each; eight in one job took 6-7 s)
        pdf=f"{HWI_CATALOGUE}/figures/{{impairment}}.pdf",
        png=report(f"{HWI_CATALOGUE}/figures/{{impairment}}.png",
                   caption="../report/hwi_catalogue.rst", category="hwi_catalogue",
                   subcategory="{impairment}"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/hwi_catalogue/figures/{{impairment}}.log",
    script:
        "../scripts/hwi_catalogue_figure.py"


rule hwi_catalogue_table:
    localrule: True
    input:
        **hwi_catalogue_sweeps(),
    output:
        csv=f"{HWI_CATALOGUE}/tolerances.csv",
        md=report(f"{HWI_CATALOGUE}/tolerances.md", caption="../report/hwi_catalogue_table.rst",
                  category="hwi_catalogue"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/hwi_catalogue/tolerances.log",
    script:
        "../scripts/hwi_catalogue_table.py"


rule hwi_catalogue_claims:
    localrule: True
    input:
        claims=CLAIMS["hwi_catalogue"],
        **hwi_catalogue_sweeps(),
    output:
        csv=f"{HWI_CATALOGUE}/claims.csv",
        md=report(f"{HWI_CATALOGUE}/claims.md", caption="../report/hwi_catalogue_claims.rst",
                  category="hwi_catalogue"),
    params:
        impairments=list(HWI_CATALOGUE_CFG["impairments"]),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/hwi_catalogue/claims.log",
    script:
        "../scripts/hwi_catalogue_claims.py"
