# hwi_catalogue: CRB-M1, CRB-M2 and the LB versus the level of each impairment chen2022 left
# for later (IQ imbalance, array errors, ADC, correlated phase noise), alone, on its scenario.
# One sweep per impairment (from chen2022's Fig. 2 realization) -> its figure; all sweeps ->
# the tolerance table, ranked (README "The impairment catalogue").


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


rule hwi_catalogue_figure:
    localrule: True
    input:
        sweep=f"{H}/{{impairment}}/{HKEY}/sweep.nc",
    output:
        pdf=f"{H}/figures/{{impairment}}.pdf",
        png=report(f"{H}/figures/{{impairment}}.png", caption="../report/hwi_catalogue.rst",
                   category="hwi_catalogue", subcategory="{impairment}"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/hwi_catalogue/figures/{{impairment}}.log",
    script:
        "../scripts/hwi_catalogue_figure.py"


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
