# zhang2025: its results root, path keys, targets and the params of its rules: the
# helpers of workflow/rules/zhang2025.smk (snakemake --lint keeps functions apart from
# rules). The Snakefile includes this file, then that one, by discovery.

from hwiloc.io.csi import CaptureError
from hwiloc.papers.zhang2025.hooks import evaluation_captures
from hwiloc.papers.zhang2025.measured import check_capture_headers

ZHANG2025 = f"{RESULTS}/zhang2025"
ZHANG2025_CFG = config["zhang2025"]



def zhang2025_scenario_key():
    """Path key of the zhang2025 scenario: the assumed values that shape every result."""
    return f"snr_db~{fmt(ZHANG2025_CFG['snr_db'])}/amplitude_model~{ZHANG2025_CFG['amplitude_model']}"


def zhang2025_scenario_path():
    return f"{ZHANG2025}/scenario/{zhang2025_scenario_key()}/scenario.nc"


def zhang2025_case_key(case):
    c = ZHANG2025_CFG["saf"]["cases"][case]
    return f"offset_type~{c['offset_type']}/offset_std~{fmt(c['offset_std'])}/seed~{c['seed']}"


def zhang2025_saf_path(case):
    return f"{ZHANG2025}/saf/{zhang2025_scenario_key()}/{zhang2025_case_key(case)}/saf.nc"


def zhang2025_offsets_path(case):
    key = f"{zhang2025_scenario_key()}/{zhang2025_case_key(case)}"
    return f"{ZHANG2025}/impairments/{key}/phase_offsets.nc"


def zhang2025_saf_case_input(wildcards):
    """The case's SAF image and, for a case with offsets, Fig. 7's sweep of its offset type
    (the band of realizations its PMSR is graded on, which the figure states)."""
    kind = ZHANG2025_CFG["saf"]["cases"][wildcards.case]["offset_type"]
    sweep = {"sweep": zhang2025_pmsr_path(kind)} if kind != "none" else {}
    return {"saf": zhang2025_saf_path(wildcards.case), **sweep}


def zhang2025_crlb_path(offset_type):
    return f"{ZHANG2025}/crlb/{zhang2025_scenario_key()}/offset_type~{offset_type}/crlb.nc"


def zhang2025_pmsr_path(offset_type):
    return f"{ZHANG2025}/pmsr/{zhang2025_scenario_key()}/offset_type~{offset_type}/pmsr.nc"


def zhang2025_pmsr_shards(wildcards):
    num = ZHANG2025_CFG["pmsr_sweep"]["num_shards"]
    return expand(
        f"{ZHANG2025}/pmsr/{{key}}/offset_type~{{offset_type}}/shard~{{shard}}.nc",
        key=zhang2025_scenario_key(),
        offset_type=wildcards.offset_type,
        shard=range(num),
    )


def zhang2025_figures():
    names = ["fig3a", "fig3b", *ZHANG2025_CFG["saf"]["cases"], "fig7"]
    return expand(f"{ZHANG2025}/figures/{{name}}.{{ext}}", name=names, ext=["pdf", "png"])


def zhang2025_targets():
    return [
        *zhang2025_figures(),
        *expand(f"{ZHANG2025}/figures/{{name}}.{{ext}}", name=["fig2", "fig9"], ext=["pdf", "png"]),
        f"{ZHANG2025}/measured/source~{ZHANG2025_CFG['measured']['source']}/calibration~"
        f"{ZHANG2025_CFG['measured']['calibration_capture']}/calibration.nc",
        f"{ZHANG2025}/figures/table1.csv",
        f"{ZHANG2025}/figures/table1.md",
        f"{ZHANG2025}/claims.csv",
        f"{ZHANG2025}/claims.md",
        *expand(f"{ZHANG2025}/assumptions/assumptions.{{ext}}", ext=["nc", "md", "pdf", "png"]),
    ]




wildcard_constraints:
    key=r"snr_db~[^/]+/amplitude_model~[^/]+",
    offset_type=r"none|frequency|spatial",
    offset_std=r"[0-9.e+-]+",
    case="|".join(ZHANG2025_CFG["saf"]["cases"]),
    capture=r"[A-Za-z0-9_]+",


ZHANG2025_SCENARIO_KEYS = ("system", "ue_position", "snr_db", "amplitude_model", "frequency_offset_mean")


def zhang2025_params(kind):
    """The config values one zhang2025 rule depends on, and nothing more.

    Snakemake reruns a job when its params change, so each rule sees only what
    it uses: a change reruns only what it touches.
    """
    saf = ZHANG2025_CFG["saf"]
    kernel = {k: saf[k] for k in ("main_lobe_radius", "oversampling")}
    return {
        "scenario": {k: ZHANG2025_CFG[k] for k in ZHANG2025_SCENARIO_KEYS},
        "table1": {**{k: ZHANG2025_CFG[k] for k in ZHANG2025_SCENARIO_KEYS}, "pmsr_form": ZHANG2025_CFG["pmsr_form"],
                   "saf": {"region": saf["region"], **kernel}},
        "offsets": {},
        "crlb": {"crlb": ZHANG2025_CFG["crlb"]},
        "saf": {"saf": {"region": saf["region"], **kernel}},
        "pmsr": {"pmsr_sweep": ZHANG2025_CFG["pmsr_sweep"], "saf": kernel, "pmsr_form": ZHANG2025_CFG["pmsr_form"]},
        "assumptions": {
            **{k: ZHANG2025_CFG[k] for k in ZHANG2025_SCENARIO_KEYS},
            **{k: ZHANG2025_CFG[k] for k in ("crlb", "saf", "assumptions", "pmsr_form")},
            "pmsr_sweep": {"seed": ZHANG2025_CFG["pmsr_sweep"]["seed"]},  # the fit's draws: Fig. 7's streams
        },
    }[kind]


# --- zhang2025 measured-CSI stage (Sec. V) -----------------------------------
ZHANG2025_MEASURED_CFG = ZHANG2025_CFG["measured"]
ZHANG2025_MEASURED = f"{ZHANG2025}/measured/source~{ZHANG2025_MEASURED_CFG['source']}/calibration~{ZHANG2025_MEASURED_CFG['calibration_capture']}"
ZHANG2025_MEASURED_LOGS = f"{LOGS}/zhang2025/measured/source~{ZHANG2025_MEASURED_CFG['source']}/calibration~{ZHANG2025_MEASURED_CFG['calibration_capture']}"


def zhang2025_capture_path(wildcards):
    """Where capture {capture} is read from: the emulator's output or the user's data."""
    if ZHANG2025_MEASURED_CFG["source"] == "emulator":
        return f"{ZHANG2025}/measured/source~emulator/captures/{wildcards.capture}.nc"
    if ZHANG2025_MEASURED_CFG["source"] == "netcdf":
        return os.path.join(ZHANG2025_MEASURED_CFG["netcdf"]["path"], f"{wildcards.capture}.nc")
    if ZHANG2025_MEASURED_CFG["source"] == "dichasus":  # the capture's TFRecord file in the dataset folder
        entry = ZHANG2025_MEASURED_CFG["dichasus"]["captures"][wildcards.capture]
        return os.path.join(ZHANG2025_MEASURED_CFG["dichasus"]["path"], entry["tfrecords"])
    return os.path.join(ZHANG2025_MEASURED_CFG["kuleuven"]["path"], "user_positions.npy")  # the folder's index file


def zhang2025_calibration_input(wildcards):
    return {"capture": zhang2025_capture_path(Namespace(capture=ZHANG2025_MEASURED_CFG["calibration_capture"]))}


def zhang2025_evaluations():
    return expand(f"{ZHANG2025_MEASURED}/evaluation/capture~{{capture}}.nc", capture=evaluation_captures(ZHANG2025_MEASURED_CFG))


def zhang2025_measured_params(kind):
    """Config values of the measured rules (only those each one uses): the testbed's
    system (array, grid: Scenario.testbed), not the UE position or SNR of Secs. III-IV."""
    scenario = {"system": ZHANG2025_CFG["system"]}
    data = {k: v for k, v in ZHANG2025_MEASURED_CFG.items()
            if k not in ("num_snapshots", "region", "refine_step", "frequency_stage")}  # fmt: skip
    if kind == "data":
        return {**scenario, "measured": data}
    if kind == "calibrate":  # the data and how the frequency stage reads eq. (20)
        return {**scenario, "measured": {**data, "frequency_stage": ZHANG2025_MEASURED_CFG["frequency_stage"]}}
    kernel = {k: ZHANG2025_CFG["saf"][k] for k in ("main_lobe_radius", "oversampling")}
    return {**scenario, "measured": ZHANG2025_MEASURED_CFG, "saf": kernel}


# The user's captures (netcdf, kuleuven or dichasus source) exist before the run: their
# headers are checked now, so a bad file stops the dry run, not a job. Jobs
# (which parse this file again) skip it: each job checks its capture itself.
if ZHANG2025_MEASURED_CFG["source"] != "emulator" and getattr(workflow, "is_main_process", True):
    try:
        check_capture_headers(
            ZHANG2025_CFG,
            {
                name: zhang2025_capture_path(Namespace(capture=name))
                for name in evaluation_captures(ZHANG2025_MEASURED_CFG)
            },
        )
    except CaptureError as error:
        raise WorkflowError(f"config key 'zhang2025.measured': {error}") from None



TARGETS["zhang2025"] = zhang2025_targets
_CASES = ZHANG2025_CFG["saf"]["cases"].values()
_CASE_KEYS = {
    "offset_std": ("zhang2025.saf.cases.<case>.offset_std", [fmt(c["offset_std"]) for c in _CASES]),
    "seed": ("zhang2025.saf.cases.<case>.seed", [c["seed"] for c in _CASES]),
}
TARGET_KEYS += [
    (f"{ZHANG2025}/", {"snr_db": ("zhang2025.snr_db", [fmt(ZHANG2025_CFG["snr_db"])]),
                       "amplitude_model": ("zhang2025.amplitude_model",
                                           [ZHANG2025_CFG["amplitude_model"]])}),
    (f"{ZHANG2025}/measured/", {
        "source": ("zhang2025.measured.source", [ZHANG2025_MEASURED_CFG["source"]]),
        "calibration": ("zhang2025.measured.calibration_capture",
                        [ZHANG2025_MEASURED_CFG["calibration_capture"]]),
        "capture": ("zhang2025.measured.evaluation_captures",
                    evaluation_captures(ZHANG2025_MEASURED_CFG))}),
    (f"{ZHANG2025}/saf/", _CASE_KEYS),
    (f"{ZHANG2025}/impairments/", _CASE_KEYS),
]  # fmt: skip
