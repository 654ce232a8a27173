# zhang2025: CRLB, SAF and PMSR (Secs. II-IV), Figs. 3-7, Table I, claims.
# Stages: scenario -> impairments (phase offsets) -> bounds (CRLB) / SAF ->
# PMSR Monte Carlo (sharded by seed, gathered) -> figures, tables, claims.
# Its paths, targets and params: workflow/rules/zhang2025_paths.smk.


rule zhang2025_scenario:
    priority: 10  # the head of the longest chain (PMSR shards, gather, Fig. 7, claims): first
    localrule: True
    output:
        scenario=f"{ZHANG2025}/scenario/{{key}}/scenario.nc",
    params:
        cfg=zhang2025_params("scenario"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/scenario/{{key}}.log",
    script:
        "../scripts/zhang2025_scenario.py"


rule zhang2025_phase_offsets:
    localrule: True
    input:
        scenario=f"{ZHANG2025}/scenario/{{key}}/scenario.nc",
    output:
        offsets=f"{ZHANG2025}/impairments/{{key}}/offset_type~{{offset_type}}/offset_std~{{offset_std}}/seed~{{seed}}/phase_offsets.nc",
    params:
        cfg=zhang2025_params("offsets"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/impairments/{{key}}/{{offset_type}}_{{offset_std}}_{{seed}}.log",
    script:
        "../scripts/zhang2025_phase_offsets.py"


rule zhang2025_crlb:
    group: "zhang2025"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    input:
        scenario=f"{ZHANG2025}/scenario/{{key}}/scenario.nc",
    output:
        crlb=f"{ZHANG2025}/crlb/{{key}}/offset_type~{{offset_type}}/crlb.nc",
    params:
        cfg=zhang2025_params("crlb"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/crlb/{{key}}/{{offset_type}}.log",
    script:
        "../scripts/zhang2025_crlb.py"


rule zhang2025_saf:
    group: "zhang2025"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    input:
        scenario=f"{ZHANG2025}/scenario/{{key}}/scenario.nc",
        offsets=f"{ZHANG2025}/impairments/{{key}}/offset_type~{{offset_type}}/offset_std~{{offset_std}}/seed~{{seed}}/phase_offsets.nc",
    output:
        saf=f"{ZHANG2025}/saf/{{key}}/offset_type~{{offset_type}}/offset_std~{{offset_std}}/seed~{{seed}}/saf.nc",
    params:
        cfg=zhang2025_params("saf"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/saf/{{key}}/{{offset_type}}_{{offset_std}}_{{seed}}.log",
    script:
        "../scripts/zhang2025_saf.py"


rule zhang2025_pmsr_shard:
    group: "zhang2025"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    resources:  # measured on the paper profile, with margin
        mem_mb=2000,  # [MB]
        runtime=30,  # [min]
    input:
        scenario=f"{ZHANG2025}/scenario/{{key}}/scenario.nc",
    output:
        shard=f"{ZHANG2025}/pmsr/{{key}}/offset_type~{{offset_type}}/shard~{{shard}}.nc",
    params:
        cfg=zhang2025_params("pmsr"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/pmsr/{{key}}/{{offset_type}}_shard{{shard}}.log",
    script:
        "../scripts/zhang2025_pmsr_shard.py"


rule zhang2025_pmsr_gather:
    localrule: True
    input:
        shards=zhang2025_pmsr_shards,
    output:
        pmsr=f"{ZHANG2025}/pmsr/{{key}}/offset_type~{{offset_type}}/pmsr.nc",
    params:
        cfg=zhang2025_params("pmsr"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/pmsr/{{key}}/{{offset_type}}_gather.log",
    script:
        "../scripts/zhang2025_pmsr_gather.py"


rule zhang2025_fig3:
    localrule: True
    input:
        frequency=zhang2025_crlb_path("frequency"),
        spatial=zhang2025_crlb_path("spatial"),
    output:
        fig3a_pdf=f"{ZHANG2025}/figures/fig3a.pdf",
        fig3a_png=report(f"{ZHANG2025}/figures/fig3a.png", caption="../report/zhang2025_fig3.rst", category="zhang2025"),
        fig3b_pdf=f"{ZHANG2025}/figures/fig3b.pdf",
        fig3b_png=report(f"{ZHANG2025}/figures/fig3b.png", caption="../report/zhang2025_fig3.rst", category="zhang2025"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/figures/fig3.log",
    script:
        "../scripts/zhang2025_fig3.py"


rule zhang2025_saf_figure:
    localrule: True
    input:
        unpack(zhang2025_saf_case_input),
    output:
        pdf=f"{ZHANG2025}/figures/{{case}}.pdf",
        png=report(f"{ZHANG2025}/figures/{{case}}.png", caption="../report/zhang2025_saf.rst", category="zhang2025"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/figures/{{case}}.log",
    script:
        "../scripts/zhang2025_saf_figure.py"


rule zhang2025_fig7:
    localrule: True
    input:
        frequency=zhang2025_pmsr_path("frequency"),
        spatial=zhang2025_pmsr_path("spatial"),
        claims=CLAIMS["zhang2025"],
    output:
        pdf=f"{ZHANG2025}/figures/fig7.pdf",
        png=report(f"{ZHANG2025}/figures/fig7.png", caption="../report/zhang2025_fig7.rst", category="zhang2025"),
    conda:
        RULE_ENV
    params:
        pmsr_form=config["zhang2025"]["pmsr_form"],
    log:
        f"{RESULTS}/logs/zhang2025/figures/fig7.log",
    script:
        "../scripts/zhang2025_fig7.py"


rule zhang2025_table1:
    localrule: True
    output:
        csv=f"{ZHANG2025}/figures/table1.csv",
        md=f"{ZHANG2025}/figures/table1.md",
    params:
        paper="zhang2025",
        cfg=zhang2025_params("table1"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/figures/table1.log",
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
        calibration=f"{ZHANG2025_MEASURED}/calibration.nc",
        evaluations=zhang2025_evaluations(),
        assumptions=f"{ZHANG2025}/assumptions/assumptions.nc",
    output:
        csv=report(f"{ZHANG2025}/claims.csv", caption="../report/zhang2025_claims.rst", category="zhang2025"),
        md=f"{ZHANG2025}/claims.md",
    params:
        max_antennas=ZHANG2025_CFG["crlb"]["max_antennas_for_claim"],
        source=ZHANG2025_MEASURED_CFG["source"],
        pmsr_form=ZHANG2025_CFG["pmsr_form"],
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/claims.log",
    script:
        "../scripts/zhang2025_claims.py"


rule zhang2025_emulate_capture:
    group: "zhang2025_measured"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    resources:  # measured on the paper profile, with margin  # 64 x 100 x 10000 capture, streamed to disk
        mem_mb=2000,  # [MB]
        runtime=20,  # [min]
    output:
        capture=f"{ZHANG2025}/measured/source~emulator/captures/{{capture}}.nc",
    params:
        cfg=zhang2025_measured_params("data"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/measured/source~emulator/emulate_{{capture}}.log",
    script:
        "../scripts/zhang2025_emulate.py"


rule zhang2025_calibrate:
    group: "zhang2025_measured"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    resources:  # measured on the paper profile, with margin  # streamed: about 300 MiB at the paper size
        mem_mb=1500,  # [MB]
        runtime=20,  # [min]
    input:
        unpack(zhang2025_calibration_input),
    output:
        calibration=f"{ZHANG2025_MEASURED}/calibration.nc",
    params:
        cfg=zhang2025_measured_params("calibrate"),
        name=ZHANG2025_MEASURED_CFG["calibration_capture"],
    conda:
        RULE_ENV
    log:
        f"{ZHANG2025_MEASURED_LOGS}/calibrate.log",
    script:
        "../scripts/zhang2025_calibrate.py"


rule zhang2025_evaluate:
    group: "zhang2025_measured"  # SLURM: grouped jobs (profiles/slurm; ignored by a local run)
    resources:  # measured on the paper profile, with margin
        mem_mb=2000,  # [MB]
        runtime=30,  # [min]
    input:
        capture=zhang2025_capture_path,
        calibration=f"{ZHANG2025_MEASURED}/calibration.nc",
    output:
        evaluation=f"{ZHANG2025_MEASURED}/evaluation/capture~{{capture}}.nc",
    params:
        cfg=zhang2025_measured_params("evaluate"),
    conda:
        RULE_ENV
    log:
        f"{ZHANG2025_MEASURED_LOGS}/evaluate_{{capture}}.log",
    script:
        "../scripts/zhang2025_evaluate.py"


rule zhang2025_fig9:
    localrule: True
    input:
        evaluations=zhang2025_evaluations(),
    output:
        pdf=f"{ZHANG2025}/figures/fig9.pdf",
        png=report(f"{ZHANG2025}/figures/fig9.png", caption="../report/zhang2025_fig9.rst", category="zhang2025"),
    params:
        calibration_capture=ZHANG2025_MEASURED_CFG["calibration_capture"],
        source=ZHANG2025_MEASURED_CFG["source"],
        pmsr_form=config["zhang2025"]["pmsr_form"],
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/figures/fig9.log",
    script:
        "../scripts/zhang2025_fig9.py"


rule zhang2025_fig2:
    localrule: True
    input:
        calibration=f"{ZHANG2025_MEASURED}/calibration.nc",
    output:
        pdf=f"{ZHANG2025}/figures/fig2.pdf",
        png=report(f"{ZHANG2025}/figures/fig2.png", caption="../report/zhang2025_fig2.rst", category="zhang2025"),
    params:
        source=ZHANG2025_MEASURED_CFG["source"],
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/figures/fig2.log",
    script:
        "../scripts/zhang2025_fig2.py"


rule zhang2025_assumptions:
    input:
        claims=CLAIMS["zhang2025"],
        fig4=zhang2025_offsets_path("fig4"),
        fig5=zhang2025_offsets_path("fig5"),
        fig6=zhang2025_offsets_path("fig6"),
    output:
        nc=f"{ZHANG2025}/assumptions/assumptions.nc",
        md=f"{ZHANG2025}/assumptions/assumptions.md",
        pdf=f"{ZHANG2025}/assumptions/assumptions.pdf",
        png=report(f"{ZHANG2025}/assumptions/assumptions.png", caption="../report/assumptions.rst", category="zhang2025"),
    params:
        paper="zhang2025",
        cfg=zhang2025_params("assumptions"),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/zhang2025/assumptions.log",
    script:
        "../scripts/assumptions.py"
