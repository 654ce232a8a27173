# Parameter studies beyond the papers: for each entry of config "studies", one job
# per TSV row (Paramspace, results keyed by the row's values) and one figure.
# Its paths, targets and params: workflow/rules/studies_paths.smk.


for _name, _entry in STUDIES.items():

    rule:
        name:
            f"study_{_name}_case"
        group:
            "studies"  # SLURM: a study's cases are seconds of work each (profiles/slurm)
        output:
            case=f"{RESULTS}/studies/{_name}/{STUDY_SPACES[_name].wildcard_pattern}/case.nc",
        params:
            name=_name,
            row=study_row(_name),
            entry=_entry,
            cfg=study_cfg(_entry["kind"]),
        conda:
            RULE_ENV
        log:
            f"{RESULTS}/logs/studies/{_name}/{STUDY_SPACES[_name].wildcard_pattern}.log",
        script:
            "../scripts/study_case.py"

    rule:
        name:
            f"study_{_name}_figure"
        localrule: True
        input:
            cases=study_cases(_name),
        output:
            pdf=f"{RESULTS}/studies/{_name}/{_name}.pdf",
            png=report(
                f"{RESULTS}/studies/{_name}/{_name}.png",
                caption=f"../report/study_{_entry['kind']}.rst",
                category="studies",
            ),
            csv=f"{RESULTS}/studies/{_name}/{_name}.csv",
            md=f"{RESULTS}/studies/{_name}/{_name}.md",
        params:
            name=_name,
            kind=_entry["kind"],
        conda:
            RULE_ENV
        log:
            f"{RESULTS}/logs/studies/{_name}/figure.log",
        script:
            "../scripts/study_figure.py"
