# hwi_catalogue: its results root, path keys, targets and the params of its rules: the
# helpers of workflow/rules/hwi_catalogue.smk (snakemake --lint keeps functions apart from
# rules). The Snakefile includes this file, then that one, by discovery.

HWI_CATALOGUE = f"{RESULTS}/hwi_catalogue"
HWI_CATALOGUE_CFG = config["hwi_catalogue"]
HWI_CATALOGUE_KEY = f"seed~{HWI_CATALOGUE_CFG['seed']}"


def hwi_catalogue_params(wildcards):
    """What one impairment's sweep uses: chen2022's system and its Fig. 2 draw, the study's
    seed, powers and realizations, and that impairment's entry (another's change reruns
    nothing here)."""
    return {
        "chen2022": chen2022_params(),
        "hwi_catalogue": {
            **{k: HWI_CATALOGUE_CFG[k] for k in ("seed", "power_dbm", "num_realizations")},
            "impairment": wildcards.impairment,
            "entry": HWI_CATALOGUE_CFG["impairments"][wildcards.impairment],
        },
    }


def hwi_catalogue_sweeps():
    return {imp: f"{HWI_CATALOGUE}/{imp}/{HWI_CATALOGUE_KEY}/sweep.nc" for imp in HWI_CATALOGUE_CFG["impairments"]}


def hwi_catalogue_targets():
    return [
        *expand(f"{HWI_CATALOGUE}/figures/{{imp}}.{{ext}}", imp=list(HWI_CATALOGUE_CFG["impairments"]), ext=["pdf", "png"]),
        f"{HWI_CATALOGUE}/tolerances.csv",
        f"{HWI_CATALOGUE}/tolerances.md",
        f"{HWI_CATALOGUE}/claims.csv",
        f"{HWI_CATALOGUE}/claims.md",
    ]


wildcard_constraints:
    impairment="|".join(HWI_CATALOGUE_CFG["impairments"]),



TARGETS["hwi_catalogue"] = hwi_catalogue_targets
TARGET_KEYS += [(f"{HWI_CATALOGUE}/", {"seed": ("hwi_catalogue.seed", [HWI_CATALOGUE_CFG["seed"]])})]  # fmt: skip
