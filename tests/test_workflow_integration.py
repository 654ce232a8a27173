"""The real Snakemake DAG, quick profile, end to end in a temporary directory."""

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

from hwiloc.claims import EVIDENCE
from hwiloc.io.netcdf import config_of, read_dataset

pytestmark = pytest.mark.integration

KEY = "snr_db~9.75/amplitude_model~constant"
QUICK_RESULTS = "results/quick"  # config/quick.yaml's results root


def snakemake(workdir, *args, check=True):
    cmd = [
        sys.executable, "-m", "snakemake",
        "--snakefile", str(ROOT / "Snakefile"),
        "--directory", str(workdir),
        "--cores", "2",
        *args,
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return result


def planned_jobs(result) -> dict[str, int]:
    """Rule name -> job count in the 'Job stats' table of a dry run ({} if nothing to do)."""
    text = result.stdout + result.stderr
    if "Job stats:" not in text:
        return {}
    table = text.split("Job stats:")[-1].split("\n\n")[0]
    rows = re.findall(r"^(\w+)\s+(\d+)\s*$", table, flags=re.M)
    return {rule: int(n) for rule, n in rows if rule != "total"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("quick")
    snakemake(workdir, "--configfile", str(ROOT / "config" / "quick.yaml"))
    return workdir


def test_every_figure_and_table_is_produced(run):
    fig = run / QUICK_RESULTS / "zhang2025" / "figures"
    for name in ("fig3a", "fig3b", "fig4", "fig5", "fig6", "fig7"):
        assert (fig / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (fig / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
        assert (fig / f"{name}.png").stat().st_size > 10_000
    table = pd.read_csv(fig / "table1.csv").set_index("symbol")
    assert float(table.loc["f_c", "value"]) == 3.5
    assert "| Center frequency | f_c | 3.5 | GHz | Table I |" in (fig / "table1.md").read_text()


def test_claims_table(run):
    claims = pd.read_csv(run / QUICK_RESULTS / "zhang2025" / "claims.csv")
    assert list(claims.columns) == [
        "id", "statement", "source", "evidence", "stated", "unit", "criterion", "reproduced",
        "median", "p05", "p95", "num_draws", "within_precision",
        "verdict", "misfit_decade", "reason", "evidence_why", "depends_on", "note",
    ]  # fmt: skip
    # Secs. III-IV (both PMSR forms), Sec. V (same capture, held out), and the offsets
    # against the emulator's injected ones
    assert len(claims) == 46
    assert set(claims["verdict"]) <= {"reproduced", "trend", "not reproduced", "not graded",
                                      "emulated"}  # fmt: skip
    # on the emulator a row that tests the emulator's inputs gets no verdict of the paper's
    untestable = claims[(claims["evidence"] == "untestable") & (claims["verdict"] != "not graded")]
    assert len(untestable) and (untestable["verdict"] == "emulated").all()
    assert untestable["reason"].str.contains("graded, it would be").all()
    assert set(claims["evidence"]) <= set(EVIDENCE)
    # one form of eq. (18) graded (config pmsr_form, the fit's), the other beside it
    graded = claims[claims["id"].str.contains("amplitude")]["verdict"]
    assert (graded != "not graded").all()
    assert (claims[claims["id"].str.contains("literal")]["verdict"] == "not graded").all()
    unmet = claims[claims["verdict"] != "reproduced"]
    assert unmet["reason"].notna().all() and (unmet["reason"].str.len() > 20).all()
    row = claims.set_index("id")
    # sqrt(1 + 2 SNR pi^2) at the fitted 9.75 dB: 13.69, a trend of the stated 15 +- 0.5
    assert float(row.loc["crlb_ratio_frequency_pi", "reproduced"]) == pytest.approx(13.69, abs=0.01)
    assert row.loc["crlb_ratio_frequency_pi", "verdict"] == "trend"
    assert "pmsr_raw[held_out, amplitude]" in row.index
    # the calibration absorbs the room's multipath at the UE into the offsets: 4 scatterers
    # at -15 dB leave about sqrt(4 x 10^-1.5 / 2) = 0.25 rad, over the 0.1 rad bound
    reference = row.loc["offsets_match_reference"]
    assert reference["evidence"] == "extra" and reference["verdict"] == "trend"
    assert 0.15 < reference["reproduced"] < 0.4
    md = (run / QUICK_RESULTS / "zhang2025" / "claims.md").read_text()
    assert "| id | statement |" in md
    first = md.splitlines()[2]  # the headline, after the title
    assert first.startswith("zhang2025: ") and " independent checks reproduced (" in first
    counts = claims[(claims["evidence"] == "independent") & (claims["verdict"] == "reproduced")]
    assert first.startswith(f"zhang2025: {len(counts)} of ")


def test_intermediates_are_keyed_and_self_describing(run):
    z = run / QUICK_RESULTS / "zhang2025"
    crlb = read_dataset(z / "crlb" / KEY / "offset_type~frequency" / "crlb.nc")
    assert dict(crlb.sizes) == {"num_antennas": 2, "offset_std": 9}
    assert crlb["crlb_rmse"].attrs["units"] == "m"
    assert crlb["offset_std"].attrs["units"] == "rad"
    assert "eqs. (4)-(13)" in crlb.attrs["references"]
    assert config_of(crlb)["crlb"]["num_antennas"] == [16, 64]  # the quick profile
    ideal = crlb["crlb_rmse_ideal"].values
    np.testing.assert_allclose(crlb["crlb_rmse"].isel(offset_std=0).values, ideal, rtol=1e-12)
    assert np.all(crlb["crlb_rmse"].diff("offset_std") > 0)

    ideal_saf = read_dataset(z / "saf" / KEY / "offset_type~none/offset_std~0/seed~0/saf.nc")
    np.testing.assert_allclose(ideal_saf["sensed_position"].values, [-2.0, 1.0], atol=1e-9)
    assert ideal_saf["saf"].dims == ("y", "x") and ideal_saf["x"].attrs["units"] == "m"
    spatial = read_dataset(
        z / "saf" / KEY / "offset_type~spatial/offset_std~0.7853981634/seed~6/saf.nc"
    )
    assert float(spatial["pmsr_db"]) < float(ideal_saf["pmsr_db"])

    offsets = read_dataset(
        z / "impairments" / KEY / "offset_type~frequency/offset_std~0.7853981634/seed~4"
        / "phase_offsets.nc"
    )  # fmt: skip
    assert offsets["phase_offset"].shape == (64, 100)
    assert offsets["phase_offset"].attrs["units"] == "rad"
    assert 0.6 < float(offsets["phase_offset"].std()) < 0.97  # sigma = pi/4 = 0.785 rad

    pmsr = read_dataset(z / "pmsr" / KEY / "offset_type~spatial" / "pmsr.nc")
    assert pmsr.sizes["realization"] == 4 and pmsr.sizes["offset_std"] == 3
    assert np.all(np.isfinite(pmsr["pmsr_db"].values))
    for shard in (0, 1):
        assert (z / "pmsr" / KEY / "offset_type~spatial" / f"shard~{shard}.nc").exists()


def test_every_netcdf_output_describes_every_variable(run):
    # README: units and long_name on every variable, the paper's equations in `references`
    missing = []
    for path in sorted((run / QUICK_RESULTS).rglob("*.nc")):
        if "captures" in path.parts:  # the emulated captures: raw input, written by h5netcdf
            continue
        ds = read_dataset(path)
        missing += [f"{path.relative_to(run)}: {name}" for name in ds.variables
                    if not {"units", "long_name"} <= set(ds[name].attrs)]  # fmt: skip
        if not ds.attrs.get("references"):
            missing.append(f"{path.relative_to(run)}: references")
    assert not missing, missing


def test_compiled_kernels_are_cached_in_the_working_directory(run):
    # the jobs that ran a kernel (SAF, calibration) wrote its index to the workflow's cache
    cache = run / ".snakemake" / "numba_cache"
    names = {p.name.split("-")[0] for p in cache.rglob("*.nbi")}
    assert {"kernels.saf_backprojection", "kernels.lse_accumulate"} <= names, names


def test_progress_is_logged(run):
    log = run / QUICK_RESULTS / "logs" / "zhang2025" / "pmsr" / KEY / "spatial_shard0.log"
    assert "realization 2 of 2" in log.read_text()
    assert "estimated remaining" in log.read_text()


def test_nothing_reruns_and_a_change_reruns_only_what_it_touches(run, tmp_path):
    quick = ["--configfile", str(ROOT / "config" / "quick.yaml")]
    again = snakemake(run, *quick, "--dry-run")
    assert "Nothing to be done" in again.stdout + again.stderr
    override = tmp_path / "more_realizations.yaml"
    override.write_text(yaml.safe_dump({"zhang2025": {"pmsr_sweep": {"num_realizations": 6}}}))
    # one --configfile with both files: a second --configfile flag would replace the first
    changed = snakemake(run, *quick, str(override), "--dry-run")
    assert planned_jobs(changed) == RERUNS["zhang2025.pmsr_sweep.num_realizations"][1]


# A single-key change -> the jobs that rerun (quick profile): each rule's params are the config
# keys it uses and nothing more, so a value reruns what depends on it, and only that.
RERUNS = {
    "zhang2025.pmsr_sweep.num_realizations": (
        {"zhang2025": {"pmsr_sweep": {"num_realizations": 6}}},
        {"zhang2025_pmsr_shard": 4, "zhang2025_pmsr_gather": 2, "zhang2025_fig7": 1,
         "zhang2025_saf_figure": 2,  # Figs. 5 and 6 state the sweep's band at their sigma
         "zhang2025_claims": 1, "all": 1},
    ),
    "zhang2025.measured.emulator.snr_db": (
        {"zhang2025": {"measured": {"emulator": {"snr_db": 12.0}}}},
        {"zhang2025_emulate_capture": 4, "zhang2025_calibrate": 1, "zhang2025_evaluate": 4,
         "zhang2025_fig2": 1, "zhang2025_fig9": 1, "zhang2025_claims": 1, "all": 1},
    ),
    "chen2022.montecarlo.num_trials": (
        {"chen2022": {"montecarlo": {"num_trials": 6}}},
        {"chen2022_shard": 2, "chen2022_gather": 1, "chen2022_fig2": 1, "chen2022_claims": 1,
         "all": 1},
    ),
    "xlmimo2022.montecarlo.num_trials": (
        {"xlmimo2022": {"montecarlo": {"num_trials": 8}}},  # the quick profile's: 6, one shard
        {"xlmimo2022_montecarlo_shard": 1, "xlmimo2022_montecarlo_gather": 1, "xlmimo2022_fig1": 1,
         "xlmimo2022_claims": 1, "all": 1},
    ),
    "hwi_catalogue.impairments.adc.levels": (
        {"hwi_catalogue": {"impairments": {"adc": {"levels": [1, 4, 16]}}}},
        {"hwi_catalogue_sweep": 1, "hwi_catalogue_figures": 1, "hwi_catalogue_table": 1,
         "hwi_catalogue_claims": 1, "all": 1},
    ),
}  # fmt: skip


@pytest.mark.parametrize("key", [k for k in RERUNS if k != "zhang2025.pmsr_sweep.num_realizations"])
def test_a_single_key_change_reruns_the_jobs_of_the_table(run, tmp_path, key):
    override = tmp_path / "change.yaml"
    override.write_text(yaml.safe_dump(RERUNS[key][0]))
    changed = snakemake(run, "--configfile", str(ROOT / "config" / "quick.yaml"), str(override),
                        "--dry-run")  # fmt: skip
    assert planned_jobs(changed) == RERUNS[key][1]


def test_a_new_snr_db_reruns_no_capture_and_no_measured_job(run, tmp_path):
    """snr_db is Secs. III-IV's: its key is in their paths, the captures do not use it."""
    override = tmp_path / "snr.yaml"
    override.write_text(yaml.safe_dump({"zhang2025": {"snr_db": 5.0}}))
    changed = planned_jobs(snakemake(run, "--configfile", str(ROOT / "config" / "quick.yaml"),
                                     str(override), "--dry-run"))  # fmt: skip
    measured = {"zhang2025_emulate_capture", "zhang2025_calibrate", "zhang2025_evaluate",
                "zhang2025_fig2", "zhang2025_fig9"}  # fmt: skip
    assert changed and not measured & set(changed) and "zhang2025_scenario" in changed


def test_verify_finds_a_deleted_intermediate_and_passes_a_clean_run(run, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(run / QUICK_RESULTS, copy / QUICK_RESULTS)
    args = ["--", "--snakefile", str(ROOT / "Snakefile"), "--configfile",
            str(ROOT / "config" / "quick.yaml")]  # fmt: skip
    verify = [sys.executable, "-m", "hwiloc", "verify", QUICK_RESULTS, *args]
    clean = subprocess.run(verify, cwd=copy, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout[-2000:]
    assert " 0 problem(s)" in clean.stdout
    (intermediate,) = (copy / QUICK_RESULTS / "zhang2025/scenario").rglob("scenario.nc")
    intermediate.unlink()
    found = subprocess.run(verify, cwd=copy, capture_output=True, text=True)
    rel = intermediate.relative_to(copy)
    assert found.returncode == 1 and f"missing: {rel}: absent" in found.stdout
    assert f"regenerate: snakemake --cores all '{rel}'" in found.stdout


@pytest.mark.parametrize(
    "target, message",
    [
        ("results/quick/zhang2025/crlb/snr_db~10/amplitude_model~constant/offset_type~frequency/"
         "crlb.nc", "says snr_db~10, but config key 'zhang2025.snr_db' is '9.75'"),
        ("results/quick/chen2022/bounds/seed~7/bounds.nc", "'chen2022.seed' is 2022"),
        ("results/quick/zhang2025/measured/source~netcdf/calibration~cap0/calibration.nc",
         "'zhang2025.measured.source' is 'emulator'"),
        ("results/quick/zhang2025/saf/snr_db~9.75/amplitude_model~constant/offset_type~frequency/"
         "offset_std~0.5/seed~4/saf.nc", "zhang2025.saf.cases.<case>.offset_std"),
    ],
    ids=["snr_db", "chen2022 seed", "measured source", "case offset_std"],
)  # fmt: skip
def test_a_target_whose_path_keys_contradict_the_config_is_refused(tmp_path, target, message):
    result = snakemake(tmp_path, "-n", target, "--configfile", str(ROOT / "config" / "quick.yaml"),
                       check=False)  # fmt: skip
    text = result.stdout + result.stderr
    assert result.returncode != 0 and message in text and "Job stats" not in text


def test_a_config_too_big_for_the_machine_is_refused_with_its_estimate(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("zhang2025:\n  measured:\n    emulator: {num_symbols: 10000000}\n")
    result = snakemake(tmp_path, "-n", "--configfile", str(ROOT / "config" / "config.yaml"),
                       str(big), check=False)  # fmt: skip
    text = result.stdout + result.stderr
    assert result.returncode != 0 and "configuration too big for this machine" in text
    assert "'zhang2025.measured.emulator.num_symbols': the results need about 2.07 TB" in text
    assert "Job stats" not in text


def test_the_paper_profile_writes_nothing_of_the_quick_profiles(run):
    """Each profile under its own results root (config results): after a quick run, the paper
    profile's DAG plans files under results/ only, none under results/quick/, and the quick
    profile has nothing left to do."""
    summary = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
         "--directory", str(run), "--summary", "--nolock"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    paths = [line.split("\t")[0] for line in summary.stdout.splitlines()[1:] if "\t" in line]
    assert len(paths) > 100 and all(p.startswith("results/") for p in paths)
    assert not [p for p in paths if p.startswith(QUICK_RESULTS + "/")]
    quick = snakemake(run, "--configfile", str(ROOT / "config" / "quick.yaml"), "--dry-run")
    assert "Nothing to be done" in quick.stdout + quick.stderr


def test_bad_config_is_refused_before_any_job(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {"zhang2025": {"system": {"num_antennas": -4}, "crlb": {"offset_std": {"num": "ten"}}}}
        )
    )
    result = snakemake(tmp_path, "--configfile", str(bad), check=False)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "config key 'zhang2025.system.num_antennas': got -4; expected a number >= 2" in message
    assert "config key 'zhang2025.crlb.offset_std.num': got 'ten'" in message
    assert not (tmp_path / "results").exists()


def test_measured_stage_outputs(run):
    z = run / QUICK_RESULTS / "zhang2025"
    m = z / "measured" / "source~emulator" / "calibration~cap0"
    cal = read_dataset(m / "calibration.nc")
    assert cal["frequency_offset"].dims == ("antenna", "subcarrier")
    assert cal["frequency_offset"].attrs["units"] == "rad"
    assert cal["spatial_offset"].shape == (64,)
    assert "eqs. (19)-(23)" in cal.attrs["references"]
    assert cal.attrs["num_symbols"] == 200  # the quick profile
    errors = {}
    for name in ("cap0", "cap1", "cap2", "cap3"):
        ev = read_dataset(m / "evaluation" / f"capture~{name}.nc")
        assert list(ev["stage"].values) == ["raw", "frequency", "both"]
        assert ev["error"].attrs["units"] == "m" and ev.attrs["held_out"] == int(name != "cap0")
        errors[name] = ev["error"].sel(stage="both").values
        assert np.all(ev["error"].sel(stage="raw").values > 0.1)  # uncalibrated: decimetres or more
    assert np.all(errors["cap0"] < 0.005)  # same capture: millimetres
    assert all(np.all(errors[c] < 0.03) for c in ("cap1", "cap2", "cap3"))  # held out: centimetres
    for name in ("fig2", "fig9"):
        assert (z / "figures" / f"{name}.png").stat().st_size > 10_000
    claims = pd.read_csv(z / "claims.csv")
    held = claims.set_index("id").loc["rmse_calibrated[held_out]"]
    assert float(held["reproduced"]) < 0.03 and held["verdict"] == "emulated"


def test_assumptions_stage_outputs(run):
    for paper in ("zhang2025", "chen2022"):
        a = run / QUICK_RESULTS / paper / "assumptions"
        ds = read_dataset(a / "assumptions.nc")
        assert {"value", "verdict", "num_reproduced", "default_verdict"} <= set(ds.data_vars)
        assert ds["claim_misfit"].attrs["units"] == "decade"
        text = (a / "assumptions.md").read_text()
        assert "| unknown | config key | shipped default | fitted | fit region |" in text
        assert "The shipped defaults are " in text  # inside or OUTSIDE: the quick grids are coarse
        assert (a / "assumptions.png").stat().st_size > 10_000
    # chen2022 Fig. 2 with the fitted G: the LB on the CRBs at low power, departing at high power
    bounds = read_dataset(run / QUICK_RESULTS / "chen2022" / "bounds" / "seed~2022" / "bounds.nc")
    ratio = (bounds["peb"].sel(bound="lb") / bounds["peb"].sel(bound="crb_m2")).values
    assert ratio[0] < 1.12 and ratio[-1] > 3


def _kuleuven_folder(folder):
    """Two static UEs, 20 samples each, in the KU Leuven layout (positions in mm)."""
    from hwiloc.geometry import ula_positions
    from hwiloc.io.testbed import emulate_hardware, noise_free_csi
    from hwiloc.ofdm import OfdmGrid

    grid = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=100)
    antennas = ula_positions(64, 0.07)
    hardware = emulate_hardware(
        [5], 64, 100, spatial_offset_std=1.8, frequency_offset_mean=0.0, frequency_offset_std=0.3,
        num_scatterers=0, scatterer_power_db=-20.0,
        room={"x_min": 0, "x_max": 1, "y_min": 3, "y_max": 4},
    )  # fmt: skip
    (folder / "samples").mkdir(parents=True)
    positions = []
    rng = np.random.default_rng(6)  # the samples' noise
    for i in range(40):
        p = np.array([-2.0, 1.0]) if i < 20 else np.array([-1.0, 1.6])
        clean = noise_free_csi(p, antennas, grid, hardware)
        noise = 0.2 * (rng.standard_normal(clean.shape) + 1j * rng.standard_normal(clean.shape))
        np.save(
            folder / "samples" / f"channel_measurement_{i:06d}.npy",
            (clean + noise).astype(np.complex64),
        )
        positions.append([*(1000 * p), 0.0])
    np.save(folder / "user_positions.npy", np.array(positions))
    np.save(folder / "antenna_positions.npy", np.column_stack([1000 * antennas, np.zeros(64)]))


def test_the_same_stage_runs_on_a_kuleuven_folder(tmp_path):
    folder = tmp_path / "ultra_dense" / "ULA_lab_LoS"
    _kuleuven_folder(folder)
    override = tmp_path / "kuleuven.yaml"
    override.write_text(
        yaml.safe_dump(
            {"zhang2025": {"measured": {
                "source": "kuleuven", "calibration_capture": "a", "num_symbols": 0,
                "kuleuven": {"path": str(folder), "position_unit": "mm", "captures": {
                    "a": {"first_sample": 0, "num_samples": 20},
                    "b": {"first_sample": 20, "num_samples": 20}}},
            }}}
        )
    )  # fmt: skip
    work = tmp_path / "work"
    measured = f"{QUICK_RESULTS}/zhang2025/measured/source~kuleuven/calibration~a"
    target = f"{measured}/evaluation/capture~b.nc"
    # targets before --configfile, which takes every file name that follows it
    snakemake(work, target, "results/quick/zhang2025/figures/fig9.png",
              "--configfile", str(ROOT / "config" / "quick.yaml"), str(override))  # fmt: skip
    cal = read_dataset(
        work / "results/quick/zhang2025/measured/source~kuleuven/calibration~a/calibration.nc"
    )
    assert cal.attrs["num_symbols"] == 20 and str(folder) in cal.attrs["capture_source"]
    held_out = read_dataset(work / target)
    assert held_out.attrs["held_out"] == 1
    np.testing.assert_allclose(held_out["ground_truth"].values, [[-1.0, 1.6]] * 2)
    assert np.all(held_out["error"].sel(stage="both").values < 0.01)
    assert np.all(held_out["error"].sel(stage="raw").values > 0.1)


def test_the_same_stage_runs_on_a_dichasus_dataset_and_recovers_its_offsets(tmp_path):
    from dichasus_data import ue_point, write_dataset

    folder = tmp_path / "dichasus-cf0x"
    write_dataset(folder, {
        "cap_a": [ue_point(-0.5, 2.0 + 0.01 * i) for i in range(20)],
        "cap_b": [ue_point(0.4, 1.5) for _ in range(20)],
    }, num_subcarriers=128, snr_db=10.0)  # fmt: skip
    override = tmp_path / "dichasus.yaml"
    override.write_text(
        yaml.safe_dump(
            {"zhang2025": {"measured": {
                "source": "dichasus", "calibration_capture": "cap_a", "num_symbols": 0,
                "dichasus": {"path": str(folder), "captures": {
                    name: {"tfrecords": f"{name}.tfrecords",
                           "offsets": f"reftx-offsets-{name}.json",
                           "first_record": 0, "num_records": 0}
                    for name in ("cap_a", "cap_b")}},
            }}}
        )
    )  # fmt: skip
    work = tmp_path / "work"
    root = "results/quick/zhang2025/measured/source~dichasus/calibration~cap_a"
    snakemake(work, f"{root}/evaluation/capture~cap_b.nc", "results/quick/zhang2025/claims.csv",
              "--configfile", str(ROOT / "config" / "quick.yaml"), str(override))  # fmt: skip
    cal = read_dataset(work / root / "calibration.nc")
    assert cal.attrs["num_symbols"] == 20 and cal.sizes["subcarrier"] == 128
    assert cal.attrs["reference_residual_rms_rad"] < 0.1
    held_out = read_dataset(work / root / "evaluation/capture~cap_b.nc")
    assert np.all(held_out["error"].sel(stage="both").values < 0.02)
    assert np.all(held_out["error"].sel(stage="raw").values > 0.1)
    claims = pd.read_csv(work / "results/quick/zhang2025/claims.csv").set_index("id")
    row = claims.loc["offsets_match_reference"]
    assert row["verdict"] == "reproduced" and row["evidence"] == "extra"
    assert row["reproduced"] == pytest.approx(cal.attrs["reference_residual_rms_rad"])
    # the rows of the user's captures speak of them, not of the emulator
    sec5 = claims[claims["source"].str.contains("Sec. V|Fig. 2|Fig. 9")]
    words = sec5["reason"].fillna("") + sec5["evidence_why"].fillna("")
    assert len(sec5) > 5 and not words.str.contains("emulat").any()
    # and their logs are keyed by source and calibration capture, beside the emulator's
    logs = work / "results/quick/logs/zhang2025/measured/source~dichasus/calibration~cap_a"
    assert (logs / "calibrate.log").is_file() and (logs / "evaluate_cap_b.log").is_file()


def test_chen2022_outputs(run):
    c = run / QUICK_RESULTS / "chen2022"
    for name in ("fig2", "fig3", "fig4"):
        assert (c / "figures" / f"{name}.png").stat().st_size > 10_000
        assert (c / "figures" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
    realization = read_dataset(c / "impairments" / "seed~2022" / "realization.nc")
    assert realization["phase_noise"].attrs["units"] == "rad"
    assert realization["pilot_phase"].shape == (20, 100)  # G = 20, fitted
    bounds = read_dataset(c / "bounds" / "seed~2022" / "bounds.nc")
    assert list(bounds["bound"].values) == ["crb_m1", "crb_m2", "lb"]
    assert bounds["peb"].attrs["units"] == "m" and bounds["aeb"].attrs["units"] == "degree"
    peb = bounds["peb"]
    assert np.all(peb.sel(bound="lb") >= 0.99 * peb.sel(bound="crb_m2"))  # the LB is never below
    mc = read_dataset(c / "montecarlo" / "seed~2022" / "all.nc")
    assert dict(mc.sizes) == {"estimator": 2, "power": 4, "trial": 4, "axis": 2, "entropy": 3}
    assert mc["seed_entropy"].sel(trial=3).values.tolist() == [2022, 1, 3]  # [seed, study, trial]
    for imp in ("pn", "cfo", "mc", "pa"):
        ind = read_dataset(c / "individual" / "seed~2022" / f"impairment~{imp}" / "all.nc")
        assert ind.attrs["impairment"] == imp and ind.sizes["realization"] == 3
    for imp, level in (("cfo", "cfo_std"), ("mc", "coupling_residual_std")):
        sweep = read_dataset(c / f"{imp}_sweep" / "seed~2022" / "all.nc")
        assert sweep[level].values.tolist() == [0.0, 0.02] and sweep.sizes["realization"] == 2
    claims = pd.read_csv(c / "claims.csv")
    assert len(claims) == 21  # Fig. 4's two rows for each of PN, CFO and MC
    row = claims.set_index("id")
    assert {"cfo", "mc"} <= {i.split("[")[1][:-1] for i in row.index
                             if i.startswith("impairments_matter_more_at_high_snr[")}  # fmt: skip
    assert row.loc["crb_m2_keeps_falling", "verdict"] == "reproduced"
    assert row.loc["crb_m2_keeps_falling", "evidence"] == "structural"
    assert row.loc["crb_m1_floor_from_pa", "reproduced"] == pytest.approx(np.sqrt(10), rel=1e-9)
    table = pd.read_csv(c / "figures" / "table1.csv").set_index("symbol")
    assert table.loc["N_B", "value"] == "20" and "ASSUMED" in set(table["source"])


def test_xlmimo2022_outputs(run):
    x = run / QUICK_RESULTS / "xlmimo2022"
    table = pd.read_csv(x / "bounds.csv")
    assert list(table.columns) == [
        "power_dbm", "aeb_crb_ff_deg", "peb_crb_ff_m", "peb_crb_nf_m", "peb_lb_m",
    ]  # fmt: skip
    assert len(table) == 8  # quick profile: -20..30 dBm in 8 points, every other one of theirs
    assert np.all(table["peb_lb_m"] >= table["peb_crb_ff_m"])
    bounds = read_dataset(x / "bounds.nc")
    assert bounds["peb_lb"].attrs["units"] == "m" and bounds.attrs["study"] == "xlmimo2022"
    assert (x / "figures" / "fig1.png").stat().st_size > 10_000
    claims = pd.read_csv(x / "claims.csv").set_index("id")
    assert len(claims) == 8
    for curve in ("peb_crb_ff", "peb_crb_nf", "aeb_crb_ff", "peb_lb", "aeb_lb"):
        assert claims.loc[f"{curve}_curve", "verdict"] == "reproduced", curve
        assert "over 8 of the authors' 15 powers" in claims.loc[f"{curve}_curve", "note"]
    mc = read_dataset(x / "montecarlo" / "all.nc")
    assert dict(mc.sizes) == {"estimator": 2, "power_dbm": 8, "trial": 6, "axis": 2, "entropy": 2}
    assert mc["position_error"].attrs["units"] == "m"
    assert claims.loc["mmle_curve", "num_draws"] == 1000  # a bootstrap of 6 trials
    params = pd.read_csv(x / "figures" / "table1.csv").set_index("symbol")
    assert float(params.loc["f_c", "value"]) == 140.0 and int(params.loc["N", "value"]) == 64
    assert float(params.loc["lambda_c / 2", "value"]) == pytest.approx(3e8 / 140e9 / 2 * 1e3)
    markdown = (x / "figures" / "table1.md").read_text()
    assert "| Subcarriers | K | 10 | - | Fig_1_Estimator.m |" in markdown


def test_report_renders_every_figure_with_its_caption_and_the_claims(run):
    report = run / QUICK_RESULTS / "report.html"
    snakemake(run, "--configfile", str(ROOT / "config" / "quick.yaml"), "--report", str(report))
    html = report.read_text()
    assert report.stat().st_size > 100_000
    # the first page: each paper's claims headline (workflow/report/workflow.rst)
    for paper in ("zhang2025", "chen2022", "xlmimo2022"):
        assert re.search(rf"{paper}: \d+ of \d+ independent checks reproduced", html), paper
    for figure in ("fig3a", "fig3b", "fig4", "fig5", "fig6", "fig7", "fig2", "fig9"):
        assert f"zhang2025/figures/{figure}.png" in html
    for figure in ("fig2", "fig3", "fig4"):
        assert f"chen2022/figures/{figure}.png" in html
    assert "xlmimo2022/figures/fig1.png" in html and "xlmimo2022/claims.csv" in html
    for caption in (
        "Fig. 9 of Zhang et al. (2025)",
        "Fig. 2 of Chen et al. (2022)",
        "Each claim of",
    ):
        assert caption in html
    assert "zhang2025/claims.csv" in html and "chen2022/claims.csv" in html
    for study in ("wideband", "array_design", "tolerance", "saf_mcrb"):
        assert f"studies/{study}/{study}.png" in html
    assert "hwi_catalogue/figures/rx_iqi.png" in html and "hwi_catalogue/tolerances.md" in html
    assert "Impairment catalogue (beyond chen2022)" in html


def test_slurm_profile_dry_run_groups_shards_and_keeps_light_rules_local(tmp_path):
    result = snakemake(
        tmp_path, "--profile", str(ROOT / "profiles" / "slurm"), "--dry-run",
        "--configfile", str(ROOT / "config" / "quick.yaml"),
    )  # fmt: skip
    text = result.stdout + result.stderr
    counts = dict(re.findall(r"^(\w+)\s+(\d+)\s*$", text.split("Job stats:")[-1], flags=re.M))
    assert counts["zhang2025_pmsr_shard"] == "4"  # 2 offset types x 2 shards (quick)
    assert counts["zhang2025_emulate_capture"] == "4" and counts["zhang2025_evaluate"] == "4"
    # 2 Monte Carlo + 4 impairments x 1 + 3 sweeps (PN, CFO, MC) + 1 hardware draws
    assert counts["chen2022_shard"] == "10"
    for study in ("wideband", "array_design", "tolerance", "saf_mcrb"):
        assert counts[f"study_{study}_case"] == "2"  # one job per TSV row (quick tables)
        assert counts[f"study_{study}_figure"] == "1"
    assert counts["xlmimo2022_bounds"] == "1" and counts["xlmimo2022_montecarlo_shard"] == "1"
    assert counts["zhang2025_assumptions"] == "1" and counts["chen2022_assumptions"] == "1"
    assert counts["xlmimo2022_table1"] == "1"
    assert counts["hwi_catalogue_sweep"] == "8" and counts["hwi_catalogue_figures"] == "1"
    # + the two assumptions jobs, xlmimo2022 bounds, fig1, table1, claims; the hardware
    # draws' shard and gather; xlmimo2022's Monte Carlo shard and gather; Fig. 4's CFO and
    # MC sweeps' shards and gathers
    # + the impairment catalogue: 8 sweeps, the figures' job, the tolerance table and claims
    assert counts["total"] == str(56 + 4 * 3 + 4 + 2 + 2 + 4 + 11)
    # cluster jobs: the groups (group-components 8 in the profile): zhang2025 CRLB 2 +
    # SAF 3 + PMSR shards 4 = 9 -> 2 jobs; the measured stage 1; chen2022 bounds 1 +
    # shards 10 -> 1 (group-components 11); study cases 8 and catalogue sweeps 8 -> 1
    # (group-components 16); xlmimo2022 bounds and
    # Monte Carlo shard -> 1
    groups = re.findall(r"Group job (\w+) ", text)
    assert sorted(groups) == ["chen2022", "studies", "xlmimo2022", "zhang2025", "zhang2025",
                              "zhang2025_measured"]  # fmt: skip
    ungrouped = set(re.findall(r"^(?:\[.*?\]\n)?rule (\w+):", text, flags=re.M))
    light = re.compile(r"all|.*_(fig\d\w*|figures?|gather|table1?|claims|scenario|realization)$")
    # outside a group, only light localrules and single jobs: the phase offsets and
    # each paper's assumptions stage (one job each)
    single = {"zhang2025_phase_offsets", "zhang2025_assumptions", "chen2022_assumptions"}
    assert ungrouped and all(light.match(r) or r in single for r in ungrouped)
    shard_job = text.split("rule chen2022_shard:")[1].split("\n\n")[0]
    assert "runtime=60" in shard_job and "mem_mb=2000" in shard_job
    calibrate_job = text.split("rule zhang2025_calibrate:")[1].split("\n\n")[0]
    assert "mem_mb=1500" in calibrate_job and "runtime=20" in calibrate_job
    assert not (tmp_path / "results").exists()  # a dry run writes nothing


def test_parameter_studies_outputs(run):
    s = run / QUICK_RESULTS / "studies"
    for study, rows in (("wideband", 2), ("array_design", 2), ("tolerance", 2), ("saf_mcrb", 2)):
        table = pd.read_csv(s / study / f"{study}.csv")
        assert len(table) == rows
        assert (s / study / f"{study}.png").stat().st_size > 10_000
    case = read_dataset(
        s / "wideband" / "bandwidth_hz~400000000" / "offset_std~0.7853981634" / "case.nc"
    )
    assert case.attrs["row_bandwidth_hz"] == 400000000 and case["crlb_ratio"].attrs["units"] == "1"
    wide = pd.read_csv(s / "wideband" / "wideband.csv").set_index("bandwidth_hz")
    assert wide.loc[400000000, "crlb_ratio"] == pytest.approx(
        wide.loc[18000000, "crlb_ratio"], rel=1e-9
    )
    mcrb = pd.read_csv(s / "saf_mcrb" / "saf_mcrb.csv").set_index("offset_std")
    assert mcrb.loc[0.0, "bias"] < 1e-6 and mcrb.loc[0.2, "bias"] > 1e-3


def test_hwi_catalogue_outputs(run):
    h = run / QUICK_RESULTS / "hwi_catalogue"
    table = pd.read_csv(h / "tolerances.csv")
    impairments = ["tx_iqi", "rx_iqi", "array_gain", "array_phase", "element_position", "adc",
                   "wiener_pn", "pll_pn"]  # fmt: skip
    assert sorted(table["impairment"].unique()) == sorted(impairments)
    assert len(table) == len(impairments) * 3  # three powers
    assert set(table["status"]) <= {"found", "never_reached", "always_exceeded"}
    assert sorted(table["rank"].unique()) == list(range(1, len(impairments) + 1))
    for name in impairments:
        assert (h / "figures" / f"{name}.png").stat().st_size > 10_000
        sweep = read_dataset(h / name / "seed~2301" / "sweep.nc")
        assert sweep["peb"].dims == ("bound", "level", "realization", "power")
        assert sweep.attrs["impairment"] == name and sweep["peb"].attrs["units"] == "m"
        if name != "adc":  # the unimpaired level: the LB is CRB-M2
            ratio = sweep["peb"].sel(bound="lb", level=0.0) / sweep["peb"].sel(bound="crb_m2",
                                                                                 level=0.0)
            np.testing.assert_allclose(ratio, 1.0, rtol=1e-8)
    claims = pd.read_csv(h / "claims.csv").set_index("id")
    row = claims.loc["angle_delay_degradation_differs"]
    assert row["evidence"] == "extra" and row["num_draws"] == 3  # the quick profile's draws
    assert row["reproduced"] > 0 and "dB (" in row["note"]
    md = (h / "tolerances.md").read_text()
    assert md.startswith("# hwi_catalogue: tolerances (3 dB of PEB) and ranking")
    assert md.count("\n| ") == len(table) + 1  # the header and one line per row
