# studies: its results root, path keys, targets and the params of its rules: the
# helpers of workflow/rules/studies.smk (snakemake --lint keeps functions apart from
# rules). The Snakefile includes this file, then that one, after every paper.

# --- parameter studies (config "studies"; rows in chunks, one job per chunk) -------
from hwiloc.studies.hooks import DEFAULT_CHUNK_ROWS
from hwiloc.studies.table import chunk_table, load_table, result_entry, study_key

STUDIES = config.get("studies", {})


def study_cfg(kind):
    """The paper config values a study kind uses, and nothing more (a change elsewhere in the
    paper's section reruns no case): chen2022's system and impairments (System.from_config);
    zhang2025's scenario (Scenario.from_config), and but for the CRLB map the Fig. 7
    region and the SAF kernel. Part of the study's key (study_key)."""
    if kind.startswith("chen2022"):
        return {"chen2022": {k: CHEN2022_CFG[k] for k in ("system", "impairments")}}
    if kind == "zhang2025_crlb":
        return {"zhang2025": {k: ZHANG2025_CFG[k] for k in ZHANG2025_SCENARIO_KEYS}}
    return {"zhang2025": {
        **{k: ZHANG2025_CFG[k] for k in ZHANG2025_SCENARIO_KEYS},
        "pmsr_sweep": {"region": ZHANG2025_CFG["pmsr_sweep"]["region"]},
        "saf": {k: ZHANG2025_CFG["saf"][k] for k in ("main_lobe_radius", "oversampling")},
    }}  # fmt: skip


try:  # each study's chunks (name -> rows) and key (everything else its results read)
    STUDY_CHUNKS = {
        name: chunk_table(
            load_table(project_file(entry["table"]), entry["kind"]),
            int(entry.get("chunk_rows", DEFAULT_CHUNK_ROWS)),
        )
        for name, entry in STUDIES.items()
    }
except ValueError as error:
    raise WorkflowError(f"config key 'studies': {error}") from None
STUDY_KEYS = {
    name: study_key(entry["kind"], entry, study_cfg(entry["kind"]))
    for name, entry in STUDIES.items()
}


def study_root(name):
    """Where a study's results land: its name, then its key (study_key~<hash>), which every
    file of it records (attribute study_key: python -m hwiloc verify checks the two agree)."""
    return f"{RESULTS}/studies/{name}/study_key~{STUDY_KEYS[name]}"


def study_rows(name):
    """The rows of the chunk behind a job's wildcards, as a list of typed records, each
    with its table index under '_row'."""

    def rows(wildcards):
        chunk = STUDY_CHUNKS[name][wildcards.chunk]
        return chunk.assign(_row=chunk.index).to_dict("records")

    return rows


def study_chunks(name):
    return [f"{study_root(name)}/chunks/chunk~{c}.nc" for c in STUDY_CHUNKS[name]]


def studies_targets():
    return [
        f"{study_root(name)}/{name}.{ext}"
        for name in STUDIES
        for ext in ("nc", "pdf", "png", "csv", "md")
    ]


wildcard_constraints:
    chunk=r"[0-9a-f]{16}",


TARGETS["studies"] = studies_targets
