# studies: its results root, path keys, targets and the params of its rules: the
# helpers of workflow/rules/studies.smk (snakemake --lint keeps functions apart from
# rules). The Snakefile includes this file, then that one, after every paper.

# --- parameter studies (config "studies", one TSV row = one case) ---------------
from snakemake.utils import Paramspace

from hwiloc.studies.parameter_studies import load_table

STUDIES = config.get("studies", {})

try:
    STUDY_SPACES = {
        name: Paramspace(load_table(project_file(entry["table"]), entry["kind"]))
        for name, entry in STUDIES.items()
    }
except ValueError as error:
    raise WorkflowError(f"config key 'studies': {error}") from None


def study_row(name):
    """The typed row of study ``name`` behind a job's wildcards (Paramspace.instance)."""

    def row(wildcards):
        return STUDY_SPACES[name].instance(wildcards)

    return row


def study_cfg(kind):
    """The paper config values a study kind uses, and nothing more (a change elsewhere in the
    paper's section reruns no case): chen2022's system and impairments (System.from_config);
    zhang2025's scenario (Scenario.from_config), the Fig. 7 region and the SAF kernel."""
    if kind.startswith("chen2022"):
        return {"chen2022": {k: CHEN2022_CFG[k] for k in ("system", "impairments")}}
    return {"zhang2025": {
        **{k: ZHANG2025_CFG[k] for k in ZHANG2025_SCENARIO_KEYS},
        "pmsr_sweep": {"region": ZHANG2025_CFG["pmsr_sweep"]["region"]},
        "saf": {k: ZHANG2025_CFG["saf"][k] for k in ("main_lobe_radius", "oversampling")},
    }}  # fmt: skip


def study_cases(name):
    return expand(
        f"{RESULTS}/studies/{name}/{{params}}/case.nc", params=STUDY_SPACES[name].instance_patterns
    )


def studies_targets():
    return expand(
        f"{RESULTS}/studies/{{name}}/{{name}}.{{ext}}", name=list(STUDIES), ext=["pdf", "png", "csv", "md"]
    )


wildcard_constraints:
    bandwidth_hz=r"[^/]+",
    num_antennas=r"[^/]+",
    antenna_spacing=r"[^/]+",
    impairment=r"[^/]+",
    power_dbm=r"[^/]+",
    snr_db=r"[^/]+",




TARGETS["studies"] = studies_targets
