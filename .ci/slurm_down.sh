#!/usr/bin/env bash
# Stop the one-node SLURM of .ci/slurm_up.sh: cancel its jobs, stop every daemon
# it started (by the PIDs it recorded, last started first) and remove every file
# it created. Safe to run twice or after a partial start.
set -uo pipefail

state="${1:?usage: $0 STATE_DIR}"
[ -d "$state" ] || exit 0

if [ -s "$state/pids" ] && command -v squeue >/dev/null; then
  jobs="$(timeout 10 squeue -h -o %i 2>/dev/null)"
  # shellcheck disable=SC2086
  [ -n "$jobs" ] && timeout 10 scancel $jobs
  for _ in $(seq 30); do  # let slurmd end the job steps before it stops
    [ -z "$(timeout 10 squeue -h -o %i 2>/dev/null)" ] && break
    sleep 1
  done
fi

if [ -f "$state/pids" ]; then
  tac "$state/pids" | while read -r name pid; do
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "slurm_down: $name (PID $pid) ignored TERM for 30 s: KILL" >&2
      kill -KILL "$pid" 2>/dev/null
    fi
  done
fi

if [ -f "$state/created" ]; then
  tac "$state/created" | while read -r path; do
    rm -rf "$path"  # a directory listed here was created empty by slurm_up.sh
  done
fi
rm -rf "$state"
echo "slurm_down: stopped and removed"
