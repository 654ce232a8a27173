# hwi_catalogue: CRB-M1, CRB-M2 and the LB versus the level of each impairment chen2022 left
# for later (IQ imbalance, array errors, ADC, correlated phase noise), alone, on its scenario.
# One sweep per impairment (from chen2022's Fig. 2 realization); all sweeps -> one figure per
# impairment (one job) and the tolerance table, ranked (README "The impairment catalogue").


rule hwi_catalogue_sweep:
    input:
        realization=f"{C}/impairments/{CKEY}/realization.nc",
    output:
        sweep=f"{H}/{{impairment}}/{HKEY}/sweep.nc",
    params:
        cfg=hwi_catalogue_params,
    conda:
        RULE_ENV
    log:
        f"{R}/logs/hwi_catalogue/{{impairment}}/{HKEY}/sweep.log",
    script:
        "../scripts/hwi_catalogue_sweep.py"


rule hwi_catalogue_figures:
    localrule: True
    input:
        **hwi_catalogue_sweeps(),
    output:  # one job draws them all: a process per figure would cost more start-up than drawing
        pdf=[f"{H}/figures/{imp}.pdf" for imp in HCFG["impairments"]],
        png=[report(f"{H}/figures/{imp}.png", caption="../report/hwi_catalogue.rst",
                    category="hwi_catalogue", subcategory=imp) for imp in HCFG["impairments"]],
    params:
        impairments=list(HCFG["impairments"]),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/hwi_catalogue/figures.log",
    script:
        "../scripts/hwi_catalogue_figures.py"


rule hwi_catalogue_table:
    localrule: True
    input:
        **hwi_catalogue_sweeps(),
    output:
        csv=f"{H}/tolerances.csv",
        md=report(f"{H}/tolerances.md", caption="../report/hwi_catalogue_table.rst",
                  category="hwi_catalogue"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/hwi_catalogue/tolerances.log",
    script:
        "../scripts/hwi_catalogue_table.py"


rule hwi_catalogue_claims:
    localrule: True
    input:
        claims=CLAIMS["hwi_catalogue"],
        **hwi_catalogue_sweeps(),
    output:
        csv=f"{H}/claims.csv",
        md=report(f"{H}/claims.md", caption="../report/hwi_catalogue_claims.rst",
                  category="hwi_catalogue"),
    params:
        impairments=list(HCFG["impairments"]),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/hwi_catalogue/claims.log",
    script:
        "../scripts/hwi_catalogue_claims.py"
