# Parameter studies beyond the papers: for each entry of config "studies", one job per
# chunk of table rows (rows as a dimension of its NetCDF), and one gathering job that
# writes the study's NetCDF, table and figure. Results land under the study's key
# (results/studies/<name>/study_key~<hash>/), so a changed config value never overwrites them.
# Its paths, targets and params: workflow/rules/studies_paths.smk.


for _name, _entry in STUDIES.items():

    rule:
        name:
            f"study_{_name}_chunk"
        group:
            "studies"  # SLURM: chunks of one study run side by side in a cluster job
        output:
            chunk=f"{study_root(_name)}/chunks/chunk~{{chunk}}.nc",
        params:
            name=_name,
            rows=study_rows(_name),
            entry=result_entry(_entry),  # not table, chunk_rows: a new table reruns only
            # the chunks whose rows changed
            cfg=study_cfg(_entry["kind"]),
            key=STUDY_KEYS[_name],
        resources:
            mem_mb=1000,
            runtime=30,
        conda:
            RULE_ENV
        log:
            f"{RESULTS}/logs/studies/{_name}/study_key~{STUDY_KEYS[_name]}/chunk~{{chunk}}.log",
        script:
            "../scripts/study_chunk.py"

    rule:
        name:
            f"study_{_name}"
        localrule: True
        input:
            chunks=study_chunks(_name),
        output:
            nc=f"{study_root(_name)}/{_name}.nc",
            pdf=f"{study_root(_name)}/{_name}.pdf",
            png=report(
                f"{study_root(_name)}/{_name}.png",
                caption=f"../report/study_{_entry['kind']}.rst",
                category="studies",
            ),
            csv=f"{study_root(_name)}/{_name}.csv",
            md=f"{study_root(_name)}/{_name}.md",
        params:
            name=_name,
            kind=_entry["kind"],
            key=STUDY_KEYS[_name],
        resources:
            mem_mb=2000,
            runtime=10,
        conda:
            RULE_ENV
        log:
            f"{RESULTS}/logs/studies/{_name}/study_key~{STUDY_KEYS[_name]}/gather.log",
        script:
            "../scripts/study_gather.py"
