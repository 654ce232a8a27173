# hwiloc: regenerate every figure and table of the papers.
#   snakemake --cores all                                  # paper profile
#   snakemake --cores all --configfile config/quick.yaml   # quick profile (about a minute)
import os

from snakemake.utils import min_version

min_version("8.0")


# The paper profile, found beside this Snakefile whatever the working directory;
# --configfile FILE and --config KEY=VALUE update it key by key.
configfile: os.path.join(workflow.basedir, "config", "config.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/zhang2025.smk"
include: "workflow/rules/chen2022.smk"
include: "workflow/rules/xlmimo2022.smk"
include: "workflow/rules/studies.smk"


rule all:
    input:
        zhang2025_targets(),
        chen2022_targets(),
        xlmimo2022_targets(),
        studies_targets(),
    default_target: True
