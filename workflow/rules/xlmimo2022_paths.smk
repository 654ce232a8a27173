# xlmimo2022: its results root, path keys, targets and the params of its rules: the
# helpers of workflow/rules/xlmimo2022.smk (snakemake --lint keeps functions apart from
# rules). The Snakefile includes this file, then that one, by discovery.

XLMIMO2022 = f"{RESULTS}/xlmimo2022"
XLMIMO2022_REFERENCE = project_file("config/claims/xlmimo2022_fig1.tsv")  # the authors' Fig. 1 data
XLMIMO2022_BOUND_KEYS = {k: config["xlmimo2022"][k] for k in ("system", "true_model", "power_dbm")}


def xlmimo2022_targets():
    return [
        f"{XLMIMO2022}/bounds.csv",
        f"{XLMIMO2022}/figures/fig1.pdf",
        f"{XLMIMO2022}/figures/fig1.png",
        f"{XLMIMO2022}/figures/table1.csv",
        f"{XLMIMO2022}/figures/table1.md",
        f"{XLMIMO2022}/claims.csv",
        f"{XLMIMO2022}/claims.md",
    ]



TARGETS["xlmimo2022"] = xlmimo2022_targets
