# hwiloc: regenerate every figure and table of the papers.
#   snakemake --cores all                                  # paper profile
#   snakemake --cores all --configfile config/quick.yaml   # quick profile (about a minute)
import os
import sys

from snakemake.utils import min_version

min_version("8.0")


# The paper profile's root keys, found beside this Snakefile whatever the working directory;
# then each paper's and study's defaults and, for a profile other than "paper" (config
# "profile": config/quick.yaml sets quick), its overrides, all from its package
# (hwiloc.plugins). After each file Snakemake applies --configfile FILE and --config
# KEY=VALUE again, so the command line wins. `python -m hwiloc config` prints the result.
configfile: os.path.join(workflow.basedir, "config", "config.yaml")


from hwiloc.plugins import plugins

PLUGIN_CONFIG_FILES = []
for _plugin in plugins():
    PLUGIN_CONFIG_FILES.append(str(_plugin.config_file))
    if _plugin.profile_file(config.get("profile", "paper")):
        PLUGIN_CONFIG_FILES.append(str(_plugin.profile_file(config.get("profile", "paper"))))
for _file in PLUGIN_CONFIG_FILES:

    configfile: _file


# Used as a module (snakedeploy), Snakemake reads none of this workflow's configfiles: the
# project's config (with its command line) goes on top of the plugins' defaults here.
if workflow.modifier.skip_configfile:
    from snakemake.utils import update_config

    from hwiloc.config import load_config

    _given = {k: v for k, v in config.items()}
    _merged = load_config(*PLUGIN_CONFIG_FILES)
    update_config(_merged, _given)
    config.clear()
    config.update(_merged)


# The report's first page (snakemake --report): each paper's claims headline and where
# its figures are; the headlines are read from the claims tables when the report is built.
report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


# Each paper's and study's rules (workflow/rules/<name>.smk: its results root, path keys,
# targets and SLURM groups, registered in TARGETS and TARGET_KEYS), papers first: a study
# may build on a paper's files. Then the parameter studies, which read the papers' sections.
for _plugin in plugins():
    for _part in (f"{_plugin.name}_paths.smk", f"{_plugin.name}.smk"):  # helpers, then rules

        include: os.path.join("workflow", "rules", _part)


include: "workflow/rules/studies_paths.smk"
include: "workflow/rules/studies.smk"


check_target_keys()


# The library code each rule depends on is one of its params (hwiloc.codehash): a change to
# any hwiloc module its script imports, directly or not (by name too: a paper's module named
# by the rule's `paper` param), reruns exactly its jobs (Snakemake itself watches the script
# only). Computed where the DAG is built; jobs do not need it.
if getattr(workflow, "is_main_process", True):
    from hwiloc.codehash import script_code_hash

    for _rule in workflow.rules:
        if _rule.script:
            with workflow.sourcecache.open(_rule.basedir.join(_rule.script)) as _source:
                _names = {k: v for k, v in _rule.params.items() if isinstance(v, str)}
                _rule.set_params(code=script_code_hash(_source.read(), _names))


# `snakemake --report` after a partial run: the default target holds the files that exist
# (Snakemake refuses a report whose DAG has a missing file marked for it), and the report's
# first page lists the ones not made yet. Any other run: every target.
ALL_TARGETS = [target for targets in TARGETS.values() for target in targets()]
if "--report" in sys.argv and getattr(workflow, "is_main_process", True):
    config["_report"]["missing"] = [t for t in ALL_TARGETS if not os.path.exists(t)]
    ALL_TARGETS = [t for t in ALL_TARGETS if os.path.exists(t)]


rule all:
    input:
        ALL_TARGETS,
    default_target: True


# Checks every file under results/ (checksums, attributes, path keys) and lists
# the files of this DAG that are missing, each with the command that regenerates
# it: `snakemake verify` (python -m hwiloc verify; docs/guides/trust.md).
rule verify:
    localrule: True
    params:
        python=sys.executable,
        root=RESULTS,
        args=" ".join(
            [f"--snakefile '{workflow.main_snakefile}'"]
            + [f"--configfile '{f}'" for f in workflow.overwrite_configfiles]
        ),
    conda:
        RULE_ENV
    log:
        f"{RESULTS}/logs/verify.log",
    shell:  # the list on the terminal and in the log; bash's pipefail keeps verify's status
        "'{params.python}' -m hwiloc verify {params.root} -- {params.args} 2>&1 | tee {log}"
