# hwiloc: regenerate every figure and table of the papers.
#   snakemake --cores all                                  # paper profile
#   snakemake --cores all --configfile config/quick.yaml   # quick profile (about a minute)
import os
import sys

from snakemake.utils import min_version

min_version("8.0")


# The paper profile, found beside this Snakefile whatever the working directory;
# --configfile FILE and --config KEY=VALUE update it key by key.
configfile: os.path.join(workflow.basedir, "config", "config.yaml")


# The report's first page (snakemake --report): each paper's claims headline and where
# its figures are; the headlines are read from the claims tables when the report is built.
report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/zhang2025.smk"
include: "workflow/rules/chen2022.smk"
include: "workflow/rules/xlmimo2022.smk"
include: "workflow/rules/hwi_catalogue.smk"
include: "workflow/rules/studies.smk"


rule all:
    input:
        zhang2025_targets(),
        chen2022_targets(),
        xlmimo2022_targets(),
        hwi_catalogue_targets(),
        studies_targets(),
    default_target: True


# Checks every file under results/ (checksums, attributes, path keys) and lists
# the files of this DAG that are missing, each with the command that regenerates
# it: `snakemake verify` (python -m hwiloc verify; README "Results you can trust").
rule verify:
    localrule: True
    params:
        python=sys.executable,
        root=R,
        args=" ".join(
            [f"--snakefile '{workflow.main_snakefile}'"]
            + [f"--configfile '{f}'" for f in workflow.overwrite_configfiles]
        ),
    conda:
        RULE_ENV
    log:
        f"{R}/logs/verify.log",
    shell:  # the list on the terminal and in the log; bash's pipefail keeps verify's status
        "'{params.python}' -m hwiloc verify {params.root} -- {params.args} 2>&1 | tee {log}"
