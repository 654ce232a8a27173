# zhang2025: CRLB, SAF and PMSR (Secs. II-IV), Figs. 3-7, Table I, claims.
# Stages: scenario -> impairments (phase offsets) -> bounds (CRLB) / SAF ->
# PMSR Monte Carlo (sharded by seed, gathered) -> figures, tables, claims.


rule zhang2025_scenario:
    localrule: True
    output:
        scenario=f"{Z}/scenario/{{key}}/scenario.nc",
    params:
        cfg=zhang2025_params("scenario"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/scenario/{{key}}.log",
    script:
        "../scripts/zhang2025_scenario.py"


rule zhang2025_phase_offsets:
    localrule: True
    input:
        scenario=f"{Z}/scenario/{{key}}/scenario.nc",
    output:
        offsets=f"{Z}/impairments/{{key}}/offset_type~{{offset_type}}/offset_std~{{offset_std}}/seed~{{seed}}/phase_offsets.nc",
    params:
        cfg=zhang2025_params("offsets"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/impairments/{{key}}/{{offset_type}}_{{offset_std}}_{{seed}}.log",
    script:
        "../scripts/zhang2025_phase_offsets.py"


rule zhang2025_crlb:
    input:
        scenario=f"{Z}/scenario/{{key}}/scenario.nc",
    output:
        crlb=f"{Z}/crlb/{{key}}/offset_type~{{offset_type}}/crlb.nc",
    params:
        cfg=zhang2025_params("crlb"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/crlb/{{key}}/{{offset_type}}.log",
    script:
        "../scripts/zhang2025_crlb.py"


rule zhang2025_saf:
    input:
        scenario=f"{Z}/scenario/{{key}}/scenario.nc",
        offsets=f"{Z}/impairments/{{key}}/offset_type~{{offset_type}}/offset_std~{{offset_std}}/seed~{{seed}}/phase_offsets.nc",
    output:
        saf=f"{Z}/saf/{{key}}/offset_type~{{offset_type}}/offset_std~{{offset_std}}/seed~{{seed}}/saf.nc",
    params:
        cfg=zhang2025_params("saf"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/saf/{{key}}/{{offset_type}}_{{offset_std}}_{{seed}}.log",
    script:
        "../scripts/zhang2025_saf.py"


rule zhang2025_pmsr_shard:
    input:
        scenario=f"{Z}/scenario/{{key}}/scenario.nc",
    output:
        shard=f"{Z}/pmsr/{{key}}/offset_type~{{offset_type}}/shard~{{shard}}.nc",
    params:
        cfg=zhang2025_params("pmsr"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/pmsr/{{key}}/{{offset_type}}_shard{{shard}}.log",
    script:
        "../scripts/zhang2025_pmsr_shard.py"


rule zhang2025_pmsr_gather:
    localrule: True
    input:
        shards=zhang2025_pmsr_shards,
    output:
        pmsr=f"{Z}/pmsr/{{key}}/offset_type~{{offset_type}}/pmsr.nc",
    params:
        cfg=zhang2025_params("pmsr"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/pmsr/{{key}}/{{offset_type}}_gather.log",
    script:
        "../scripts/zhang2025_pmsr_gather.py"


rule zhang2025_fig3:
    localrule: True
    input:
        frequency=zhang2025_crlb_path("frequency"),
        spatial=zhang2025_crlb_path("spatial"),
    output:
        fig3a_pdf=f"{Z}/figures/fig3a.pdf",
        fig3a_png=report(f"{Z}/figures/fig3a.png", caption="../report/fig3.rst", category="zhang2025"),
        fig3b_pdf=f"{Z}/figures/fig3b.pdf",
        fig3b_png=report(f"{Z}/figures/fig3b.png", caption="../report/fig3.rst", category="zhang2025"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/figures/fig3.log",
    script:
        "../scripts/zhang2025_fig3.py"


rule zhang2025_saf_figure:
    localrule: True
    input:
        unpack(zhang2025_saf_case_input),
    output:
        pdf=f"{Z}/figures/{{case}}.pdf",
        png=report(f"{Z}/figures/{{case}}.png", caption="../report/saf.rst", category="zhang2025"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/figures/{{case}}.log",
    script:
        "../scripts/zhang2025_saf_figure.py"


rule zhang2025_fig7:
    localrule: True
    input:
        frequency=zhang2025_pmsr_path("frequency"),
        spatial=zhang2025_pmsr_path("spatial"),
    output:
        pdf=f"{Z}/figures/fig7.pdf",
        png=report(f"{Z}/figures/fig7.png", caption="../report/fig7.rst", category="zhang2025"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/figures/fig7.log",
    script:
        "../scripts/zhang2025_fig7.py"


rule zhang2025_table1:
    localrule: True
    output:
        csv=f"{Z}/figures/table1.csv",
        md=f"{Z}/figures/table1.md",
    params:
        paper="zhang2025",
        cfg=zhang2025_params("table1"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/figures/table1.log",
    script:
        "../scripts/table1.py"


rule zhang2025_claims:
    localrule: True
    input:
        claims=CLAIMS["zhang2025"],
        scenario=zhang2025_scenario_path(),
        fig4=zhang2025_saf_path("fig4"),
        fig5=zhang2025_saf_path("fig5"),
        fig6=zhang2025_saf_path("fig6"),
        pmsr_frequency=zhang2025_pmsr_path("frequency"),
        pmsr_spatial=zhang2025_pmsr_path("spatial"),
        calibration=f"{M}/calibration.nc",
        evaluations=zhang2025_evaluations(),
    output:
        csv=report(f"{Z}/claims.csv", caption="../report/claims.rst", category="zhang2025"),
        md=f"{Z}/claims.md",
    params:
        max_antennas=ZCFG["crlb"]["max_antennas_for_claim"],
        source=MCFG["source"],
        pmsr_form=ZCFG["pmsr_form"],
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/claims.log",
    script:
        "../scripts/zhang2025_claims.py"


rule zhang2025_emulate_capture:
    output:
        capture=f"{Z}/measured/source~emulator/captures/{{capture}}.nc",
    params:
        cfg=zhang2025_measured_params("data"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/measured/source~emulator/emulate_{{capture}}.log",
    script:
        "../scripts/zhang2025_emulate.py"


rule zhang2025_calibrate:
    input:
        unpack(zhang2025_calibration_input),
    output:
        calibration=f"{M}/calibration.nc",
    params:
        cfg=zhang2025_measured_params("calibrate"),
        name=MCFG["calibration_capture"],
    conda:
        RULE_ENV
    log:
        f"{ML}/calibrate.log",
    script:
        "../scripts/zhang2025_calibrate.py"


rule zhang2025_evaluate:
    input:
        capture=zhang2025_capture_path,
        calibration=f"{M}/calibration.nc",
    output:
        evaluation=f"{M}/evaluation/capture~{{capture}}.nc",
    params:
        cfg=zhang2025_measured_params("evaluate"),
    conda:
        RULE_ENV
    log:
        f"{ML}/evaluate_{{capture}}.log",
    script:
        "../scripts/zhang2025_evaluate.py"


rule zhang2025_fig9:
    localrule: True
    input:
        evaluations=zhang2025_evaluations(),
    output:
        pdf=f"{Z}/figures/fig9.pdf",
        png=report(f"{Z}/figures/fig9.png", caption="../report/fig9.rst", category="zhang2025"),
    params:
        calibration_capture=MCFG["calibration_capture"],
        source=MCFG["source"],
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/figures/fig9.log",
    script:
        "../scripts/zhang2025_fig9.py"


rule zhang2025_fig2:
    localrule: True
    input:
        calibration=f"{M}/calibration.nc",
    output:
        pdf=f"{Z}/figures/fig2.pdf",
        png=report(f"{Z}/figures/fig2.png", caption="../report/fig2.rst", category="zhang2025"),
    params:
        source=MCFG["source"],
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/figures/fig2.log",
    script:
        "../scripts/zhang2025_fig2.py"


rule zhang2025_assumptions:
    input:
        claims=CLAIMS["zhang2025"],
        fig4=zhang2025_offsets_path("fig4"),
        fig5=zhang2025_offsets_path("fig5"),
        fig6=zhang2025_offsets_path("fig6"),
    output:
        nc=f"{Z}/assumptions/assumptions.nc",
        md=f"{Z}/assumptions/assumptions.md",
        pdf=f"{Z}/assumptions/assumptions.pdf",
        png=report(f"{Z}/assumptions/assumptions.png", caption="../report/assumptions.rst", category="zhang2025"),
    params:
        paper="zhang2025",
        cfg=zhang2025_params("assumptions"),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/zhang2025/assumptions.log",
    script:
        "../scripts/assumptions.py"
