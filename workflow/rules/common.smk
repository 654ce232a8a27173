# Helpers shared by the rules: config validation, parameter keys, target registries. It names
# no paper: each paper's and study's rules (workflow/rules/<name>.smk, with its helpers in
# <name>_paths.smk; the Snakefile includes both for every plugin of hwiloc.plugins) carry its
# own results root, path keys, targets and SLURM groups, registered in TARGETS and
# TARGET_KEYS below.
import os
import sys

from snakemake.exceptions import WorkflowError

from hwiloc.config import ConfigError, check_config_files, check_workflow_config
from hwiloc.plugins import hook, plugin_names, plugins

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
        [*([_default] if os.path.exists(_default) else []), *PLUGIN_CONFIG_FILES,
         *workflow.overwrite_configfiles]
    )  # fmt: skip
    config.update(
        check_workflow_config(
            config, workflow.basedir, schemas=SCHEMAS, table_path=project_file
        )
    )
except ConfigError as error:
    raise WorkflowError(str(error)) from None

# --- resources: a run too big for this machine is refused before any job ----------------
# (hwiloc.resources: each heavy job family's peak memory and its files' disk, from the
# config; the dry run prints them). The run is judged on the jobs its DAG holds, once the
# DAG is built (onstart, before any job starts): a target that needs none of the big jobs
# runs. HWILOC_SKIP_RESOURCE_CHECK=1 skips the refusal, for a cluster whose nodes are
# bigger than the machine that builds the DAG.
from hwiloc import resources

ESTIMATORS = [estimate for _, estimate in hook("resource_estimates")]  # each plugin's hook

DRY_RUN_FLAGS = {"-n", "--dry-run", "--dryrun"}
if getattr(workflow, "is_main_process", True) and DRY_RUN_FLAGS & set(sys.argv[1:]):
    print(resources.table(config, ESTIMATORS), file=sys.stderr)
    for _line in resources.check(config, estimators=ESTIMATORS):
        print(f"  would refuse a run that holds these jobs: {_line}", file=sys.stderr)


def check_resources_of_the_dag():
    """Refuse the run when a job family of its DAG needs more than this machine has."""
    if os.environ.get("HWILOC_SKIP_RESOURCE_CHECK"):
        return
    rules = {job.rule.name for job in workflow.dag.needrun_jobs()}
    too_big = resources.check(config, estimators=ESTIMATORS, rules=rules)
    if too_big:
        raise WorkflowError("configuration too big for this machine:\n  " + "\n  ".join(too_big))


# --- claims files: checked against their schema and the library before any job -------------
from hwiloc.claims import ClaimsError, check_registry, claims_path, load_claims

CLAIMS = {name: project_file(str(claims_path("", name))) for name in plugin_names()
          if os.path.exists(project_file(str(claims_path("", name))))}  # fmt: skip
try:
    for _path in CLAIMS.values():
        check_registry(load_claims(_path))
except ClaimsError as error:
    raise WorkflowError(str(error)) from None

# Where a profile's results land (config "results": results/ for the paper profile,
# results/quick/ for the quick one), so that profiles keep apart, and their logs.
RESULTS = config["results"].rstrip("/")
LOGS = f"{RESULTS}/logs"


def fmt(value):
    """A parameter value as it appears in a path (10 significant digits)."""
    return f"{float(value):.10g}"


class Namespace:
    """A stand-in for Snakemake's wildcards object."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


wildcard_constraints:
    seed=r"\d+",
    shard=r"\d+",


# What each rules file registers: TARGETS[name] is a function giving the files of its
# part of the default target; TARGET_KEYS lists (path prefix, {key: (config key, allowed values)})
# of the name~value keys its paths hold (checked by check_target_keys, which the Snakefile
# calls once every rules file is in).
TARGETS = {}
TARGET_KEYS = []


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
# The same for JAX (the generic engine's derivatives, the models written with jax.numpy): its
# compiled computations are cached on disk for the run's later jobs (a job of the XL-MIMO
# bounds took 3.3 s, 1.1 s from the cache), every one of them (JAX caches only those of
# over a second of compilation by default). The key is the computation, JAX's version and
# the backend; the user's settings win.
os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", os.path.abspath(os.path.join(".snakemake", "jax_cache")))
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")


# --- job start-up: a local run's script jobs start in a warm process (hwiloc.jobserver) ---
# The server imports numpy, pandas, xarray, h5netcdf, scipy, matplotlib, numba and jax.numpy
# once (hwiloc.jobserver.PRELOAD); each job's process hands its
# script over and the server forks a child that runs it. A cluster run, a dry run or
# HWILOC_JOBSERVER=0: every job is a fresh process, as without it. Launched after every
# change this file makes to the environment (NUMBA_CACHE_DIR and JAX's above), which it inherits.
from hwiloc import jobserver

JOB_SERVER = {}
_NO_JOBS = DRY_RUN_FLAGS | {"--lint", "--report", "--summary", "-S", "--detailed-summary",
                            "-D", "--list", "-l", "--list-rules", "--list-target-rules", "--lt",
                            "--dag", "--rulegraph", "--filegraph", "--unlock",
                            "--cleanup-metadata", "--touch", "-t", "--containerize",
                            "--archive"}  # fmt: skip
if getattr(workflow, "is_main_process", True) and not _NO_JOBS & set(sys.argv[1:]):
    # launched now, so that it imports while the DAG is built; onstart, which knows the
    # executor, lets the jobs use it only in a local run that runs jobs. It ends with this
    # process in any case.
    JOB_SERVER["launched"] = jobserver.launch(os.path.join(".snakemake", "hwiloc", "jobserver"))


onstart:
    check_resources_of_the_dag()
    if workflow.local_exec and not workflow.dryrun:
        JOB_SERVER["process"] = jobserver.ready(JOB_SERVER.pop("launched", None))
    elif JOB_SERVER.get("launched"):
        jobserver.stop(JOB_SERVER.pop("launched")[0])


onsuccess:
    jobserver.stop(JOB_SERVER.pop("process", None))


onerror:
    jobserver.stop(JOB_SERVER.pop("process", None))


# --- the report's first page -----------------------------------------------------------
# workflow/report/workflow.rst shows each paper's claims headline (line 3 of its claims.md):
# read when the DAG is built, so `snakemake --report` after a run finds them. A private
# key of the config that no rule's params contain (no job reruns for it).
def _claims_headline(name):
    try:
        lines = open(os.path.join(RESULTS, name, "claims.md"), encoding="utf-8").read().splitlines()
    except OSError:
        return "not computed yet: run the workflow, then build the report"
    return next((line for line in lines if line.startswith(f"{name}: ")), "(no headline)")


config["_report"] = {  # the jobs, which parse this file again, never build the report
    "headlines": [_claims_headline(p.name) for p in plugins() if p.package.startswith("hwiloc.papers.")]
    if getattr(workflow, "is_main_process", True) else [],
    "results": RESULTS,
    "plugins": list(plugin_names()),
    "missing": [],  # the default targets not made yet, when the report is built (Snakefile)
}


# --- path keys are the parameters -----------------------------------------------------
# A job computes with the config's values, whatever its path says: a target asked for
# on the command line whose name~value keys contradict the config would be a file
# labelled with one value holding another. It is refused before any job.
from hwiloc.verify import target_key_problems


def check_target_keys():
    """Refuse the command line's targets whose path keys contradict the config (main process)."""
    if not getattr(workflow, "is_main_process", True):
        return
    asked = [a.removeprefix("./") for a in sys.argv[1:] if a.lstrip("./").startswith(f"{RESULTS}/")]
    wrong = target_key_problems(asked, TARGET_KEYS)
    if wrong:
        raise WorkflowError("\n".join(wrong))
