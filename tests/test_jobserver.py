"""The job server (hwiloc.jobserver): a job handed over runs in the server's warm child with
the client's streams, directory, environment and arguments, and exits with its status; no
server, a job of more threads, or a job whose client dies: the safe outcome.

Real processes throughout: a server started as the Snakefile starts it, and clients
started as Snakemake starts a script job (a child of the server's owner, this process).
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from hwiloc import jobserver

SCRIPT = textwrap.dedent("""
    import hwiloc.job  # noqa: F401
    import json, os, sys
    print(json.dumps({"pid": os.getpid(), "child": os.environ.get("HWILOC_JOBSERVER_CHILD"),
                      "cwd": os.getcwd(), "argv": sys.argv[1:], "marker": os.environ.get("MARK"),
                      "warm": "xarray" in sys.modules}))
    sys.stderr.write("to stderr\\n")
    mode = sys.argv[1]
    if mode == "fail":
        raise RuntimeError("the job's own error")
    if mode == "sleep":
        open(sys.argv[2], "w").write(str(os.getpid()))
        import time; time.sleep(60)
    sys.exit(int(mode))
""")
ONE_THREAD = dict.fromkeys(jobserver.THREAD_VARS, "1")


@pytest.fixture
def server(tmp_path):
    """A job server owned by this process, as the Snakefile's onstart starts one."""
    saved = os.environ.get(jobserver.ENV)
    os.environ.pop(jobserver.ENV, None)
    process = jobserver.start(str(tmp_path / "server"))
    assert process is not None and jobserver.ENV in os.environ
    yield process
    jobserver.stop(process)
    assert process.poll() is not None and jobserver.ENV not in os.environ
    if saved is not None:
        os.environ[jobserver.ENV] = saved


def _job(tmp_path, *args, env=None, **kwargs):
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, str(script), *args], cwd=workdir, text=True,
                          capture_output=True, timeout=60,
                          env={**os.environ, **ONE_THREAD, "MARK": "m1", **(env or {})},
                          **kwargs)  # fmt: skip


def test_a_job_runs_warm_in_the_server_with_the_clients_streams_and_status(server, tmp_path):
    done = _job(tmp_path, "3")
    assert done.returncode == 3, done.stderr
    seen = json.loads(done.stdout)
    assert seen["child"] == "1" and seen["warm"]  # the server's child: xarray already in
    assert seen["cwd"] == str(tmp_path / "work") and seen["argv"] == ["3"]
    assert seen["marker"] == "m1"  # the client's environment
    assert done.stderr == "to stderr\n"
    ok = _job(tmp_path, "0")
    assert ok.returncode == 0 and json.loads(ok.stdout)["pid"] != seen["pid"]  # a new child


KERNELS_JOB = textwrap.dedent("""
    import hwiloc.job  # noqa: F401
    import sys, numba, numpy as np
    import hwiloc.kernels as k
    k.columns(np.zeros((2, 2)))
    # a parallel kernel (from the disk cache after the first job), then one compiled here
    k.range_profiles(np.ones((2, 3), complex), np.ones((3, 4), complex), *np.empty((2, 2, 4)))
    numba.njit(parallel=True)(lambda a: a.sum())(np.ones(8))
    print(numba.config.NUMBA_NUM_THREADS, numba.get_num_threads())
""")


def test_a_jobs_kernels_run_on_its_one_thread_after_a_cached_one(server, tmp_path):
    # numba, preloaded by the server, had sized its pool to every core: a job's kernels ran
    # on 2 threads, and a kernel compiled after a cached one raised "Cannot set
    # NUMBA_NUM_THREADS to a different value once the threads have been launched".
    script = tmp_path / "kernels.py"
    script.write_text(KERNELS_JOB)
    for _ in range(2):  # the second job finds range_profiles in the cache
        done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, text=True,
                              capture_output=True, timeout=120, env={**os.environ, **ONE_THREAD})
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["1", "1"]


WARM_JOB = textwrap.dedent("""
    import hwiloc.job  # noqa: F401
    import gc, json, sys
    import hwiloc.geometry
    spec = sys.modules["hwiloc.geometry"].__spec__
    print(json.dumps({"loader": type(spec.loader).__name__, "origin": spec.origin,
                      "file": hwiloc.geometry.__file__, "frozen": gc.get_freeze_count()}))
""")


def test_a_jobs_modules_run_from_the_servers_compiled_code_and_its_objects_are_frozen(
        server, tmp_path):  # fmt: skip
    script = tmp_path / "warm.py"
    script.write_text(WARM_JOB)
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, text=True, timeout=60,
                          capture_output=True, env={**os.environ, **ONE_THREAD})  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    import hwiloc.geometry

    assert seen["loader"] == "_CompiledLoader"  # compiled once, by the server
    assert seen["origin"] == seen["file"] == hwiloc.geometry.__file__  # the same file
    assert seen["frozen"] > 10000  # the preloaded stack, out of the collector's way


def test_a_module_changed_since_the_server_compiled_it_is_read_from_its_file(tmp_path):
    module = tmp_path / "changing.py"
    module.write_text("VALUE = 1\n")
    stat = module.stat()
    path = str(module)
    jobserver._CODE[path] = (stat.st_mtime_ns, stat.st_size, compile("VALUE = 2\n", path, "exec"))
    try:
        loader = jobserver._CompiledLoader("changing", path)
        namespace = {}
        exec(loader.get_code("changing"), namespace)
        assert namespace["VALUE"] == 2  # unchanged file (time, size): the compiled code
        module.write_text("VALUE = 33\n")  # another size: a change
        exec(loader.get_code("changing"), namespace)
        assert namespace["VALUE"] == 33
    finally:
        del jobserver._CODE[path]


def test_a_failing_job_prints_its_traceback_and_fails(server, tmp_path):
    done = _job(tmp_path, "fail")
    assert done.returncode == 1
    assert "RuntimeError: the job's own error" in done.stderr and "Traceback" in done.stderr


def test_without_a_server_or_with_more_threads_a_job_runs_as_a_fresh_process(server, tmp_path):
    for env in ({jobserver.ENV: "0"}, {"OMP_NUM_THREADS": "2"}):
        done = _job(tmp_path, "0", env=env)
        assert done.returncode == 0
        seen = json.loads(done.stdout)
        assert seen["child"] is None and not seen["warm"], env


def test_a_job_of_another_process_runs_fresh(server, tmp_path):
    """The server serves the jobs of its owner only (a cluster job's process descends from
    another Snakemake): a process that does not descend from the owner runs fresh (the
    owner named here is pid 1)."""
    path, _, host = os.environ[jobserver.ENV].split("|")
    done = _job(tmp_path, "0", env={jobserver.ENV: f"{path}|1|{host}"})
    assert done.returncode == 0 and json.loads(done.stdout)["child"] is None


def test_when_the_client_dies_its_job_is_killed(server, tmp_path):
    marker = tmp_path / "pid"
    (tmp_path / "job.py").write_text(SCRIPT)
    client = subprocess.Popen(
        [sys.executable, str(tmp_path / "job.py"), "sleep", str(marker)], cwd=tmp_path,
        env={**os.environ, **ONE_THREAD}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not marker.exists() or not marker.read_text():
        assert time.monotonic() < deadline and client.poll() is None
        time.sleep(0.05)
    job = int(marker.read_text())
    assert job != client.pid  # the job runs in the server's child
    client.send_signal(signal.SIGKILL)  # Snakemake cancels the job
    client.wait()
    deadline = time.monotonic() + 10
    while _alive(job):
        assert time.monotonic() < deadline, "the job outlived its client"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_server_ends_with_its_owner(tmp_path):
    """A Snakemake process that dies without stopping its server: the server exits."""
    code = textwrap.dedent(f"""
        import os, sys, time
        from hwiloc import jobserver
        p = jobserver.start({str(tmp_path / 's')!r})
        print(p.pid, flush=True)
        os._exit(0)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout  # fmt: skip
    pid = int(out.split()[0])
    deadline = time.monotonic() + 10
    while _alive(pid):
        assert time.monotonic() < deadline, "the server outlived Snakemake"
        time.sleep(0.05)
