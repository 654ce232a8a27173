"""A warm process that starts the workflow's script jobs without their imports (local runs).

Every script job of the workflow is a fresh Python process, and a typical one (a NetCDF
in, a NetCDF out) spends 0.4 s importing numpy, pandas, xarray and h5netcdf before its
first line of work: half of the quick profile's CPU time. In a local run the Snakefile
starts this server once (:func:`start`); it imports that stack and waits on a Unix
socket. A job's process (the client) runs Snakemake's preamble, then the first line of
its script, :func:`delegate`, hands the job over: the server forks a child that runs the
very script file with the client's standard streams (passed as file descriptors), working
directory, environment and arguments, while the client waits for its exit status and
exits with it. The child is a copy of the warm server, so the job starts in milliseconds;
it imports the rest of what it uses (hwiloc, numba, matplotlib's figures) itself, as a
fresh process does, so that its results, its log and its record in the run manifest
(the hwiloc modules it loaded) are those of a fresh process.

What keeps it safe:

- no server, a server of another run or another machine (a cluster job), or any failure
  to reach it: :func:`delegate` returns and the job runs as a fresh process;
- the client dies (Snakemake cancels the job): the child is killed;
- Snakemake dies: the server exits (it watches its parent); :func:`stop` ends it at the
  end of the run. ``HWILOC_JOBSERVER=0`` turns it off.

The server preloads third-party modules only (:data:`PRELOAD`); no hwiloc module, so a
job's code hash is that of a fresh process.
"""

from __future__ import annotations

import gc
import importlib
import importlib.machinery
import os
import pickle
import select
import signal
import socket
import struct
import sys
import time

ENV = "HWILOC_JOBSERVER"  # set by start(): "<socket path>|<Snakemake's pid>|<host>"; "0": off
CHILD = "HWILOC_JOBSERVER_CHILD"  # set in a job the server runs: delegate() returns at once
PRELOAD = (  # imported once by the server: what most jobs import before any work
    "numpy",
    "pandas",
    "xarray",
    "h5netcdf",
    "scipy.linalg",
    "scipy.special",
    "scipy.optimize",
    "scipy.stats",
    "matplotlib",  # with the Agg backend, as hwiloc.plotting selects it
    "matplotlib.pyplot",
    "numba",  # imported, never run: the jobs' kernels start their threads in the job
    "jax.numpy",  # imported, never run: its backend (and threads) start in the job (1 s)
    "snakemake.script",
    "snakemake.logging",
)
THREAD_VARS = ("OMP_NUM_THREADS", "GOTO_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")  # fmt: skip
# Snakemake sets these to a job's threads (1 for every rule here); numpy's BLAS reads them
# once, when the server imports numpy: the server runs with 1, and a job with more threads
# runs as a fresh process, so that its BLAS (and its results, to the last bit) are a fresh
# process's.
HEADER = struct.Struct("!Q")  # the request's length [B]
STATUS = struct.Struct("!i")  # the job's exit status


def _ancestors(pid: int, depth: int = 6) -> list[int]:
    """The process ids above ``pid``, nearest first (Linux /proc), up to ``depth``."""
    out = []
    for _ in range(depth):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        if pid <= 1:
            break
        out.append(pid)
    return out


def delegate() -> None:
    """Run this job in the run's job server, if one serves it; else return (run here).

    The first statement of a workflow script. In the server's child it returns at
    once, and the script runs there.
    """
    if os.environ.get(CHILD) or os.environ.get(ENV, "0") == "0":
        return
    try:
        path, owner, host = os.environ[ENV].split("|")
    except ValueError:
        return
    if host != socket.gethostname() or int(owner) not in _ancestors(os.getpid()):
        return  # a job of a cluster run, or of another Snakemake process: run here
    if any(os.environ.get(name) != "1" for name in THREAD_VARS):
        return  # a job of more threads: its BLAS threads are not the server's
    script = os.path.abspath(sys.argv[0])
    request = pickle.dumps({"script": script, "cwd": os.getcwd(), "env": dict(os.environ),
                            "argv": list(sys.argv)})  # fmt: skip
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(path)
        socket.send_fds(conn, [HEADER.pack(len(request))], [0, 1, 2])
        conn.sendall(request)
    except OSError:
        return  # no server (any more): run here
    sys.stdout.flush()
    sys.stderr.flush()
    reply = _recv_exactly(conn, STATUS.size)
    if reply is None:
        print("hwiloc job server: the server ended before the job", file=sys.stderr)
        os._exit(1)
    os._exit(STATUS.unpack(reply)[0])


def _recv_exactly(conn: socket.socket, size: int) -> bytes | None:
    """``size`` bytes from ``conn``, or None if the other end closes first."""
    data = b""
    while len(data) < size:
        chunk = conn.recv(min(1 << 20, size - len(data)))
        if not chunk:
            return None
        data += chunk
    return data


def _run_job(request: dict) -> int:
    """In the forked child: become the client's process and run its script; the exit code."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ[CHILD] = "1"
    sys.argv = request["argv"]
    if "numba" in sys.modules:  # its settings (NUMBA_CACHE_DIR, threads) are read at import
        sys.modules["numba"].core.config.reload_config()
    import runpy
    import traceback

    code = 0
    try:
        runpy.run_path(request["script"], run_name="__main__")
    except SystemExit as end:  # as the interpreter exits: None 0, an int itself, else printed, 1
        if end.code is None or isinstance(end.code, int):
            code = end.code or 0
        else:
            print(end.code, file=sys.stderr)
            code = 1
    except BaseException:  # the job's error, as a fresh process would print it
        traceback.print_exc()
        code = 1
    return code


def _serve_one(conn: socket.socket) -> None:
    """In a process of its own: receive one job, fork its child, relay its exit status, and
    kill the child if the client goes away."""
    message, fds, _, _ = socket.recv_fds(conn, HEADER.size, 3)
    (size,) = HEADER.unpack(message)
    data = _recv_exactly(conn, size)
    if data is None:
        os._exit(1)
    request = pickle.loads(data)
    child = os.fork()
    if child == 0:
        conn.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        code = 1
        try:
            code = _run_job(request)
        finally:
            import atexit

            atexit._run_exitfuncs()  # the job's own (the run manifest), as at a normal exit
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    for fd in fds:
        os.close(fd)
    while True:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            code = 128 - code if code < 0 else code  # killed by a signal: 128 + its number
            try:
                conn.sendall(STATUS.pack(code))
            except OSError:
                pass
            return
        readable, _, _ = select.select([conn], [], [], 0.05)
        if readable and not conn.recv(1, socket.MSG_PEEK):  # the client is gone: so is the job
            os.kill(child, signal.SIGTERM)
            time.sleep(0.5)
            if os.waitpid(child, os.WNOHANG)[0] == 0:  # still running (else reaped just now)
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
            return


_CODE: dict[str, tuple[int, int, object]] = {}  # source path -> (mtime [ns], size [B], code)
_PACKAGE = os.path.basename(os.path.dirname(os.path.abspath(__file__)))  # "hwiloc" (the server
# runs as __main__)


class _CompiledLoader(importlib.machinery.SourceFileLoader):
    """A module of this package from the code the server compiled, while its file is the one
    compiled (same modification time and size, the test of a .pyc); else from the file."""

    def get_code(self, fullname):
        path = self.get_filename(fullname)
        entry = _CODE.get(path)
        if entry is not None:
            try:
                stat = os.stat(path)
            except OSError:
                stat = None
            if stat is not None and (stat.st_mtime_ns, stat.st_size) == entry[:2]:
                return entry[2]
        return super().get_code(fullname)


class _CompiledFinder:
    """Finds this package's modules as the path finder does, loaded by _CompiledLoader."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != _PACKAGE and not name.startswith(_PACKAGE + "."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is not None and spec.origin in _CODE and type(spec.loader) is (
                importlib.machinery.SourceFileLoader):  # fmt: skip
            spec.loader = _CompiledLoader(spec.loader.name, spec.loader.path)
        return spec


def compile_package() -> int:
    """Compile every module of this package (hwiloc) into memory, for the jobs' imports; the
    number of modules. [-]

    A job imports 30 or so of them, each compiled from source when Python writes no
    bytecode files (``PYTHONDONTWRITEBYTECODE``, or a read-only tree): 28 ms a job. The
    modules are compiled here, not imported: a job still runs each one it imports, as a
    fresh process does.
    """
    root = os.path.dirname(os.path.abspath(__file__))
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
                with open(path, "rb") as f:
                    code = compile(f.read(), path, "exec", dont_inherit=True)
            except (OSError, SyntaxError, ValueError):
                continue  # the job's import meets it as it would
            _CODE[path] = (stat.st_mtime_ns, stat.st_size, code)
    sys.meta_path.insert(0, _CompiledFinder)
    return len(_CODE)


def serve(path: str, owner: int) -> None:
    """The server's loop: preload, listen on ``path``, one forked process per job; ends when
    ``owner`` (the Snakemake process) is gone or on SIGTERM."""
    for name in PRELOAD:
        try:
            module = importlib.import_module(name)
        except ImportError:  # not installed: the jobs that need it import it themselves
            continue
        if name == "matplotlib":
            module.use("Agg")
    compile_package()
    # What the server holds is the jobs' copy-on-write memory: a job's garbage collector
    # would visit (and so copy) every object of it, 18k pages of the preloaded stack, 0.17 s
    # of a fork's child that collects once. Frozen, the collector leaves them alone.
    gc.freeze()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    listener.listen(128)
    os.replace(path + ".tmp", path)  # the socket appears when it accepts
    running = True

    def end(*_):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches Snakemake, which stops us
    while running and os.getppid() == owner:
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        try:
            readable, _, _ = select.select([listener], [], [], 0.2)
        except InterruptedError:
            continue
        if not readable:
            continue
        conn, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                _serve_one(conn)
            finally:
                os._exit(0)
        conn.close()
    listener.close()
    try:
        os.unlink(path)
    except OSError:
        pass


def launch(folder: str):
    """Start the server of this Snakemake process, without waiting for it (it preloads while
    Snakemake builds the DAG): ``(process, socket path)``, or None when it is turned off
    (``HWILOC_JOBSERVER=0``) or the path is too long for a Unix socket."""
    import subprocess

    if os.environ.get(ENV) == "0":
        return None
    os.makedirs(folder, exist_ok=True)
    path = os.path.abspath(os.path.join(folder, f"{os.getpid()}.sock"))
    if len(path.encode()) > 100:  # a Unix socket path is at most 107 bytes
        return None
    with open(os.path.join(folder, f"{os.getpid()}.log"), "w") as log:  # the server's own
        process = subprocess.Popen(
            [sys.executable, "-m", "hwiloc.jobserver", path, str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            # a one-thread job's; numba, preloaded, sizes its thread pool at import
            env={**os.environ, **dict.fromkeys(THREAD_VARS, "1"), "NUMBA_NUM_THREADS": "1"},
        )  # fmt: skip
    return process, path


def ready(launched, timeout: float = 30.0):
    """Wait for a :func:`launch`-ed server to accept jobs, and set :data:`ENV` for them; the
    server's process, or None (not launched, or not up within ``timeout`` seconds: the jobs
    then run as fresh processes)."""
    if launched is None:
        return None
    process, path = launched
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            return None
        time.sleep(0.02)
    os.environ[ENV] = f"{path}|{os.getpid()}|{socket.gethostname()}"
    return process


def start(folder: str, timeout: float = 30.0):
    """:func:`launch` and :func:`ready`: the server's process (a ``subprocess.Popen``) with
    its socket in ``folder`` (created), or None; :data:`ENV` is set for the jobs."""
    return ready(launch(folder), timeout)


def stop(process) -> None:
    """End the server started by :func:`start` (None: nothing to end)."""
    import subprocess

    os.environ.pop(ENV, None)
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
