# Helpers shared by the rules: config validation, parameter keys, target lists.
import os
import sys

from snakemake.exceptions import WorkflowError

from hwiloc.io.csi import CaptureError
from hwiloc.papers.zhang2025.measured import check_capture_headers
from hwiloc.config import (
    ConfigError,
    check_config_files,
    check_workflow_config,
    evaluation_captures,
)

# The schemas beside these rules, also when the workflow is used as a module
# (snakedeploy).
SCHEMAS = (
    workflow.source_path("../schemas/config.schema.yaml"),
    workflow.source_path("../schemas/study_tables.schema.yaml"),
)


def project_file(path):
    """A file the user may copy or replace (study tables, claims files): as given if it
    exists (absolute, or relative to the working directory: your own, a deployed
    project's config/), else this workflow's own copy (beside the Snakefile when it
    is there, so the path is stable; else from the module's source)."""
    if os.path.exists(path):
        return path
    beside = os.path.join(workflow.basedir, path)
    if os.path.exists(beside):
        return beside
    try:
        return workflow.source_path(os.path.join("..", "..", path))
    except (FileNotFoundError, OSError):  # nowhere: the check names the config key
        return path


# Every config file is read again strictly (a key given twice is refused with its
# file and line: Snakemake's YAML keeps the last silently); numbers that --config
# delivered as strings become numbers, then the config and the study tables are
# checked against the schemas (all before the DAG).
try:
    _default = os.path.join(workflow.basedir, "config", "config.yaml")  # absent in a module
    check_config_files(
        [*([_default] if os.path.exists(_default) else []), *workflow.overwrite_configfiles]
    )
    config.update(
        check_workflow_config(
            config, workflow.basedir, schemas=SCHEMAS, table_path=project_file
        )
    )
except ConfigError as error:
    raise WorkflowError(str(error)) from None

# --- resources: a config too big for this machine is refused before any job ----------
# (hwiloc.resources: each heavy job family's peak memory and its files' disk, from the
# config; the dry run prints them). HWILOC_SKIP_RESOURCE_CHECK=1 skips the refusal, for a
# cluster whose nodes are bigger than the machine that builds the DAG.
from hwiloc import resources

if getattr(workflow, "is_main_process", True):
    if {"-n", "--dry-run", "--dryrun"} & set(sys.argv[1:]):
        print(resources.table(config), file=sys.stderr)
    _too_big = [] if os.environ.get("HWILOC_SKIP_RESOURCE_CHECK") else resources.check(config)
    if _too_big:
        raise WorkflowError("configuration too big for this machine:\n  " + "\n  ".join(_too_big))

# --- claims files (issue 8): checked against their schema and the library before any job ---
from hwiloc.claims import ClaimsError, check_registry, claims_path, load_claims
from hwiloc.papers import paper_names

CLAIMS = {name: project_file(str(claims_path("", name)))
          for name in (*paper_names(), "hwi_catalogue")}  # hwi_catalogue: the journal's finding
try:
    for _path in CLAIMS.values():
        check_registry(load_claims(_path))
except ClaimsError as error:
    raise WorkflowError(str(error)) from None

# Where a profile's results land (config "results": results/ for the paper profile,
# results/quick/ for the quick one), so that profiles keep apart; L: their logs.
R = config["results"].rstrip("/")
L = f"{R}/logs"
Z = f"{R}/zhang2025"
ZCFG = config["zhang2025"]


def fmt(value):
    """A parameter value as it appears in a path (10 significant digits)."""
    return f"{float(value):.10g}"


def zhang2025_scenario_key():
    """Path key of the zhang2025 scenario: the assumed values that shape every result."""
    return f"snr_db~{fmt(ZCFG['snr_db'])}/amplitude_model~{ZCFG['amplitude_model']}"


def zhang2025_scenario_path():
    return f"{Z}/scenario/{zhang2025_scenario_key()}/scenario.nc"


def zhang2025_case_key(case):
    c = ZCFG["saf"]["cases"][case]
    return f"offset_type~{c['offset_type']}/offset_std~{fmt(c['offset_std'])}/seed~{c['seed']}"


def zhang2025_saf_path(case):
    return f"{Z}/saf/{zhang2025_scenario_key()}/{zhang2025_case_key(case)}/saf.nc"


def zhang2025_offsets_path(case):
    key = f"{zhang2025_scenario_key()}/{zhang2025_case_key(case)}"
    return f"{Z}/impairments/{key}/phase_offsets.nc"


def zhang2025_saf_case_input(wildcards):
    """The case's SAF image and, for a case with offsets, Fig. 7's sweep of its offset type
    (the band of realizations its PMSR is graded on, which the figure states)."""
    kind = ZCFG["saf"]["cases"][wildcards.case]["offset_type"]
    sweep = {"sweep": zhang2025_pmsr_path(kind)} if kind != "none" else {}
    return {"saf": zhang2025_saf_path(wildcards.case), **sweep}


def zhang2025_crlb_path(offset_type):
    return f"{Z}/crlb/{zhang2025_scenario_key()}/offset_type~{offset_type}/crlb.nc"


def zhang2025_pmsr_path(offset_type):
    return f"{Z}/pmsr/{zhang2025_scenario_key()}/offset_type~{offset_type}/pmsr.nc"


def zhang2025_pmsr_shards(wildcards):
    num = ZCFG["pmsr_sweep"]["num_shards"]
    return expand(
        f"{Z}/pmsr/{{key}}/offset_type~{{offset_type}}/shard~{{shard}}.nc",
        key=zhang2025_scenario_key(),
        offset_type=wildcards.offset_type,
        shard=range(num),
    )


def zhang2025_figures():
    names = ["fig3a", "fig3b", *ZCFG["saf"]["cases"], "fig7"]
    return expand(f"{Z}/figures/{{name}}.{{ext}}", name=names, ext=["pdf", "png"])


def zhang2025_targets():
    return [
        *zhang2025_figures(),
        *expand(f"{Z}/figures/{{name}}.{{ext}}", name=["fig2", "fig9"], ext=["pdf", "png"]),
        f"{Z}/measured/source~{ZCFG['measured']['source']}/calibration~"
        f"{ZCFG['measured']['calibration_capture']}/calibration.nc",
        f"{Z}/figures/table1.csv",
        f"{Z}/figures/table1.md",
        f"{Z}/claims.csv",
        f"{Z}/claims.md",
        *expand(f"{Z}/assumptions/assumptions.{{ext}}", ext=["nc", "md", "pdf", "png"]),
    ]


wildcard_constraints:
    key=r"snr_db~[^/]+/amplitude_model~[^/]+",
    offset_type=r"none|frequency|spatial",
    offset_std=r"[0-9.e+-]+",
    seed=r"\d+",
    shard=r"\d+",
    case="|".join(ZCFG["saf"]["cases"]),
    capture=r"[A-Za-z0-9_]+",


SCENARIO_KEYS = ("system", "ue_position", "snr_db", "amplitude_model", "frequency_offset_mean")


def zhang2025_params(kind):
    """The config values one zhang2025 rule depends on, and nothing more.

    Snakemake reruns a job when its params change, so each rule sees only what
    it uses: a change reruns only what it touches.
    """
    saf = ZCFG["saf"]
    kernel = {k: saf[k] for k in ("main_lobe_radius", "oversampling")}
    return {
        "scenario": {k: ZCFG[k] for k in SCENARIO_KEYS},
        "table1": {**{k: ZCFG[k] for k in SCENARIO_KEYS}, "pmsr_form": ZCFG["pmsr_form"],
                   "saf": {"region": saf["region"], **kernel}},
        "offsets": {},
        "crlb": {"crlb": ZCFG["crlb"]},
        "saf": {"saf": {"region": saf["region"], **kernel}},
        "pmsr": {"pmsr_sweep": ZCFG["pmsr_sweep"], "saf": kernel},
        "assumptions": {
            **{k: ZCFG[k] for k in SCENARIO_KEYS},
            **{k: ZCFG[k] for k in ("crlb", "saf", "assumptions", "pmsr_form")},
            "pmsr_sweep": {"seed": ZCFG["pmsr_sweep"]["seed"]},  # the fit's draws: Fig. 7's streams
        },
    }[kind]


# --- zhang2025 measured-CSI stage (Sec. V) -----------------------------------
MCFG = ZCFG["measured"]
M = f"{Z}/measured/source~{MCFG['source']}/calibration~{MCFG['calibration_capture']}"
ML = f"{L}/zhang2025/measured/source~{MCFG['source']}/calibration~{MCFG['calibration_capture']}"


def zhang2025_capture_path(wildcards):
    """Where capture {capture} is read from: the emulator's output or the user's data."""
    if MCFG["source"] == "emulator":
        return f"{Z}/measured/source~emulator/captures/{wildcards.capture}.nc"
    if MCFG["source"] == "netcdf":
        return os.path.join(MCFG["netcdf"]["path"], f"{wildcards.capture}.nc")
    if MCFG["source"] == "dichasus":  # the capture's TFRecord file in the dataset folder
        entry = MCFG["dichasus"]["captures"][wildcards.capture]
        return os.path.join(MCFG["dichasus"]["path"], entry["tfrecords"])
    return os.path.join(MCFG["kuleuven"]["path"], "user_positions.npy")  # the folder's index file


def zhang2025_calibration_input(wildcards):
    return {"capture": zhang2025_capture_path(Namespace(capture=MCFG["calibration_capture"]))}


def zhang2025_evaluations():
    return expand(f"{M}/evaluation/capture~{{capture}}.nc", capture=evaluation_captures(MCFG))


def zhang2025_measured_params(kind):
    """Config values of the measured rules (only those each one uses): the testbed's
    system (array, grid: Scenario.testbed), not the UE position or SNR of Secs. III-IV."""
    scenario = {"system": ZCFG["system"]}
    data = {k: v for k, v in MCFG.items()
            if k not in ("num_snapshots", "region", "refine_step", "frequency_stage")}  # fmt: skip
    if kind == "data":
        return {**scenario, "measured": data}
    if kind == "calibrate":  # the data and how the frequency stage reads eq. (20)
        return {**scenario, "measured": {**data, "frequency_stage": MCFG["frequency_stage"]}}
    kernel = {k: ZCFG["saf"][k] for k in ("main_lobe_radius", "oversampling")}
    return {**scenario, "measured": MCFG, "saf": kernel}


class Namespace:
    """A stand-in for Snakemake's wildcards object."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


# The user's captures (netcdf, kuleuven or dichasus source) exist before the run: their
# headers are checked now, so a bad file stops the dry run, not a job. Jobs
# (which parse this file again) skip it: each job checks its capture itself.
if MCFG["source"] != "emulator" and getattr(workflow, "is_main_process", True):
    try:
        check_capture_headers(
            ZCFG,
            {
                name: zhang2025_capture_path(Namespace(capture=name))
                for name in evaluation_captures(MCFG)
            },
        )
    except CaptureError as error:
        raise WorkflowError(f"config key 'zhang2025.measured': {error}") from None


# --- chen2022 ------------------------------------------------------------------
C = f"{R}/chen2022"
CCFG = config["chen2022"]
CKEY = f"seed~{CCFG['seed']}"
SHARD_SECTIONS = {"montecarlo": "montecarlo", "individual": "individual", "pn_sweep": "pn_sweep",
                  "cfo_sweep": "cfo_sweep", "mc_sweep": "mc_sweep",
                  "hardware_draws": "hardware_draws"}  # fmt: skip
from hwiloc.papers.chen2022.system import SWEEP_LEVELS  # Fig. 4: impairment -> level


def chen2022_params(*sections):
    """system and impairments (what every chen2022 rule uses) plus the named sections."""
    return {k: CCFG[k] for k in ("system", "impairments", "seed", *sections)}


def chen2022_shards(wildcards):
    num = CCFG[SHARD_SECTIONS[wildcards.experiment]]["num_shards"]
    return expand(
        f"{C}/{wildcards.experiment}/{wildcards.ckey}/shard~{{shard}}.nc", shard=range(num)
    )


def chen2022_gather_params(wildcards):
    return chen2022_params(SHARD_SECTIONS[wildcards.experiment])


def chen2022_shard_params(wildcards):
    extra = ("power_dbm",) if wildcards.experiment in ("montecarlo", "hardware_draws") else ()
    return chen2022_params(SHARD_SECTIONS[wildcards.experiment], *extra)


def chen2022_individual():
    return {
        imp: f"{C}/individual/{CKEY}/impairment~{imp}/all.nc" for imp in ("pn", "cfo", "mc", "pa")
    }


def chen2022_sweeps():
    return {imp: f"{C}/{imp}_sweep/{CKEY}/all.nc" for imp in SWEEP_LEVELS}


def chen2022_targets():
    return [
        *expand(f"{C}/figures/{{name}}.{{ext}}", name=["fig2", "fig3", "fig4"], ext=["pdf", "png"]),
        f"{C}/figures/table1.csv",
        f"{C}/figures/table1.md",
        f"{C}/claims.csv",
        f"{C}/claims.md",
        *expand(f"{C}/assumptions/assumptions.{{ext}}", ext=["nc", "md", "pdf", "png"]),
    ]


wildcard_constraints:
    experiment=r"montecarlo|individual|pn_sweep|cfo_sweep|mc_sweep|hardware_draws",
    ckey=r"seed~\d+(/impairment~(pn|cfo|mc|pa))?",


# --- xlmimo2022 ----------------------------------------------------------------
X = f"{R}/xlmimo2022"
XLMIMO2022_REFERENCE = project_file("config/claims/xlmimo2022_fig1.tsv")  # the authors' Fig. 1 data
XLMIMO2022_BOUND_KEYS = {k: config["xlmimo2022"][k] for k in ("system", "true_model", "power_dbm")}


def xlmimo2022_targets():
    return [
        f"{X}/bounds.csv",
        f"{X}/figures/fig1.pdf",
        f"{X}/figures/fig1.png",
        f"{X}/figures/table1.csv",
        f"{X}/figures/table1.md",
        f"{X}/claims.csv",
        f"{X}/claims.md",
    ]


# --- hwi_catalogue (beyond chen2022: the impairments it left for later) ------------
H = f"{R}/hwi_catalogue"
HCFG = config["hwi_catalogue"]
HKEY = f"seed~{HCFG['seed']}"


def hwi_catalogue_params(wildcards):
    """What one impairment's sweep uses: chen2022's system and its Fig. 2 draw, the study's
    seed, powers and realizations, and that impairment's entry (another's change reruns
    nothing here)."""
    return {
        "chen2022": chen2022_params(),
        "hwi_catalogue": {
            **{k: HCFG[k] for k in ("seed", "power_dbm", "num_realizations")},
            "impairment": wildcards.impairment,
            "entry": HCFG["impairments"][wildcards.impairment],
        },
    }


def hwi_catalogue_sweeps():
    return {imp: f"{H}/{imp}/{HKEY}/sweep.nc" for imp in HCFG["impairments"]}


def hwi_catalogue_targets():
    return [
        *expand(f"{H}/figures/{{imp}}.{{ext}}", imp=list(HCFG["impairments"]), ext=["pdf", "png"]),
        f"{H}/tolerances.csv",
        f"{H}/tolerances.md",
        f"{H}/claims.csv",
        f"{H}/claims.md",
    ]


wildcard_constraints:
    impairment="|".join(HCFG["impairments"]),


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
        return {"chen2022": {k: CCFG[k] for k in ("system", "impairments")}}
    return {"zhang2025": {
        **{k: ZCFG[k] for k in SCENARIO_KEYS},
        "pmsr_sweep": {"region": ZCFG["pmsr_sweep"]["region"]},
        "saf": {k: ZCFG["saf"][k] for k in ("main_lobe_radius", "oversampling")},
    }}  # fmt: skip


def study_cases(name):
    return expand(
        f"{R}/studies/{name}/{{params}}/case.nc", params=STUDY_SPACES[name].instance_patterns
    )


def studies_targets():
    return expand(
        f"{R}/studies/{{name}}/{{name}}.{{ext}}", name=list(STUDIES), ext=["pdf", "png", "csv", "md"]
    )


wildcard_constraints:
    bandwidth_hz=r"[^/]+",
    num_antennas=r"[^/]+",
    antenna_spacing=r"[^/]+",
    impairment=r"[^/]+",
    power_dbm=r"[^/]+",
    snr_db=r"[^/]+",


# --- compiled kernels -------------------------------------------------------------
# The rules' software environment with --sdm conda (hwiloc.deployment): the runtime
# requirements of the installed package and the package itself, installed from the
# very source this workflow was read from (a clone, a git+file:// repository, or the
# github(...)/gitlab(...) module of a snakedeploy project). Environment files with
# `pip: -e .` break once Snakemake copies them; this one names its source absolutely.
# Written to .snakemake/hwiloc/ of the working directory, named by its content.
from hwiloc.deployment import write_rule_environment

try:
    RULE_ENV = write_rule_environment(
        workflow.current_basedir, os.path.join(".snakemake", "hwiloc")
    )
except ValueError as error:
    methods = workflow.deployment_settings.deployment_method
    if any(method.name == "CONDA" for method in methods):
        raise WorkflowError(f"--sdm conda: {error}") from None
    RULE_ENV = workflow.source_path("../../environment.yml")  # used by --sdm conda only

# Every job is a new process: numba's compiled kernels (hwiloc.kernels) are cached
# on disk so that a job loads them instead of compiling. The cache goes in the
# working directory's .snakemake/ (writable, shared by the jobs of a cluster run),
# not beside the installed package, which may be read-only; NUMBA_CACHE_DIR set
# by the user wins. Jobs inherit the variable from this process.
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.abspath(os.path.join(".snakemake", "numba_cache")))


# --- the report's first page -----------------------------------------------------------
# workflow/report/workflow.rst shows each paper's claims headline (line 3 of its claims.md):
# read when the DAG is built, so `snakemake --report` after a run finds them. A private
# key of the config that no rule's params contain (no job reruns for it).
def _claims_headline(paper):
    try:
        lines = open(os.path.join(R, paper, "claims.md"), encoding="utf-8").read().splitlines()
    except OSError:
        return "not computed yet: run the workflow, then build the report"
    return next((line for line in lines if line.startswith(f"{paper}: ")), "(no headline)")


config["_report"] = {  # the jobs, which parse this file again, never build the report
    "headlines": [_claims_headline(p) for p in ("zhang2025", "chen2022", "xlmimo2022")]
    if getattr(workflow, "is_main_process", True) else [],
    "results": R,
}


# --- path keys are the parameters -----------------------------------------------------
# A job computes with the config's values, whatever its path says: a target asked for
# on the command line whose name~value keys contradict the config would be a file
# labelled with one value holding another. It is refused here, before any job.
from hwiloc.verify import target_key_problems

_CASES = ZCFG["saf"]["cases"].values()
_CASE_KEYS = {
    "offset_std": ("zhang2025.saf.cases.<case>.offset_std", [fmt(c["offset_std"]) for c in _CASES]),
    "seed": ("zhang2025.saf.cases.<case>.seed", [c["seed"] for c in _CASES]),
}
TARGET_KEYS = [
    (f"{Z}/", {"snr_db": ("zhang2025.snr_db", [fmt(ZCFG["snr_db"])]),
               "amplitude_model": ("zhang2025.amplitude_model", [ZCFG["amplitude_model"]])}),
    (f"{Z}/measured/", {
        "source": ("zhang2025.measured.source", [MCFG["source"]]),
        "calibration": ("zhang2025.measured.calibration_capture", [MCFG["calibration_capture"]]),
        "capture": ("zhang2025.measured.evaluation_captures", evaluation_captures(MCFG))}),
    (f"{Z}/saf/", _CASE_KEYS),
    (f"{Z}/impairments/", _CASE_KEYS),
    (f"{C}/", {"seed": ("chen2022.seed", [CCFG["seed"]])}),
    (f"{H}/", {"seed": ("hwi_catalogue.seed", [HCFG["seed"]])}),
]  # fmt: skip
if getattr(workflow, "is_main_process", True):
    _asked = [a.removeprefix("./") for a in sys.argv[1:] if a.lstrip("./").startswith(f"{R}/")]
    _wrong = target_key_problems(_asked, TARGET_KEYS)
    if _wrong:
        raise WorkflowError("\n".join(_wrong))
