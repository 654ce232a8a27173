#!/usr/bin/env bash
# Start a one-node SLURM 22.05 cluster with accounting (munge, MariaDB, slurmdbd,
# slurmctld, slurmd) on this Debian machine, for tests/test_slurm_cluster.py.
#
#   .ci/slurm_up.sh STATE_DIR      start; exit 0 when the cluster is up,
#                                  exit 3 (with the reason) when it cannot run here
#   .ci/slurm_down.sh STATE_DIR    stop every daemon started here (by PID) and
#                                  remove every file this script created
#
# Every daemon runs in the foreground of a background process whose PID goes to
# STATE_DIR/pids; their state, logs and the database live in STATE_DIR. The only
# files written outside it are the SLURM configs (the executor plugin's inner
# srun drops SLURM_CONF, so slurm.conf must be at /etc/slurm/slurm.conf) and the
# munge key and socket directory if absent: each is listed in STATE_DIR/created.
# Refuses (exit 3) to touch a machine that already has a SLURM config or daemons.
set -euo pipefail

state="${1:?usage: $0 STATE_DIR}"
skip() { echo "slurm_up: SKIP: $*" >&2; exit 3; }

[ "$(id -u)" -eq 0 ] || skip "not root (installing and starting the SLURM daemons needs root)"
command -v apt-get >/dev/null || skip "no apt-get (the SLURM test needs Debian's slurm packages)"
for conf in /etc/slurm/slurm.conf /etc/slurm/slurmdbd.conf; do
  if [ -e "$conf" ]; then skip "$conf exists: this machine already has a SLURM; not touching it"; fi
done
for daemon in slurmctld slurmd slurmdbd; do
  if pgrep -x "$daemon" >/dev/null; then skip "$daemon is already running; not touching it"; fi
done

mkdir -p "$state"
state="$(cd "$state" && pwd)"
: >"$state/pids"
: >"$state/created"
created() { echo "$1" >>"$state/created"; }
start() {  # start NAME COMMAND...: a foreground daemon in the background, its PID recorded
  local name="$1"; shift
  "$@" >"$state/$name.out" 2>&1 &
  echo "$name $!" >>"$state/pids"
}
wait_for() {  # wait_for SECONDS WHAT COMMAND...: poll until COMMAND succeeds
  local seconds="$1" what="$2"; shift 2
  for _ in $(seq "$seconds"); do
    timeout 10 "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "slurm_up: $what not up after $seconds s; logs in $state" >&2
  tail -n 20 "$state"/*.out "$state"/*.log 2>/dev/null >&2 || true
  exit 1
}

packages=(slurmctld slurmd slurm-client slurmdbd munge mariadb-server)
if ! dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  echo "slurm_up: installing ${packages[*]}"
  if ! apt-cache show slurmctld >/dev/null 2>&1; then
    timeout 300 apt-get update -qq || skip "apt-get update failed (no network?)"
  fi
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends \
    "${packages[@]}" >"$state/apt.out" 2>&1 || { tail -n 20 "$state/apt.out" >&2; skip "apt-get install failed"; }
fi

# munge: the key and the socket directory of the Debian package
if [ ! -e /etc/munge/munge.key ]; then
  timeout 30 mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key
  created /etc/munge/munge.key
fi
if [ ! -d /run/munge ]; then
  mkdir -p /run/munge
  created /run/munge
fi
chown munge:munge /run/munge
start munged runuser -u munge -- munged --foreground
wait_for 30 munged munge -n

# MariaDB, private to this cluster: its own data directory, socket and port
db_port=3307
timeout 120 mariadb-install-db --user=root --datadir="$state/db" --auth-root-authentication-method=socket \
  --skip-test-db >"$state/mariadb-install.out" 2>&1
start mariadbd mariadbd --user=root --datadir="$state/db" --socket="$state/mysql.sock" \
  --port="$db_port" --bind-address=127.0.0.1 --pid-file="$state/mariadbd.pid" \
  --log-error="$state/mariadbd.log"
wait_for 60 mariadbd mariadb-admin --socket="$state/mysql.sock" ping
db_pass="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
timeout 30 mariadb --socket="$state/mysql.sock" -e "
  CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$db_pass';
  GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';"

host="$(hostname -s)"
mkdir -p /etc/slurm "$state/slurmctld" "$state/slurmd"
cat >/etc/slurm/slurmdbd.conf <<EOF
# Written by hwiloc .ci/slurm_up.sh for a test; removed by .ci/slurm_down.sh
AuthType=auth/munge
DbdHost=localhost
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$db_port
StorageUser=slurm
StoragePass=$db_pass
StorageLoc=slurm_acct_db
LogFile=$state/slurmdbd.log
PidFile=$state/slurmdbd.pid
EOF
chmod 600 /etc/slurm/slurmdbd.conf
created /etc/slurm/slurmdbd.conf

# one node, CPUs and memory as slurmd detects them
read -r cpus memory < <(timeout 30 slurmd -C | awk '/^NodeName/ {
  for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["CPUs"], v["RealMemory"] }')
cat >/etc/slurm/slurm.conf <<EOF
# Written by hwiloc .ci/slurm_up.sh for a test; removed by .ci/slurm_down.sh
ClusterName=hwiloc
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
StateSaveLocation=$state/slurmctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
created /etc/slurm/slurm.conf

start slurmdbd slurmdbd -D
wait_for 60 slurmdbd sacctmgr -n list cluster
timeout 30 sacctmgr -i add cluster hwiloc >/dev/null
start slurmctld slurmctld -D
wait_for 60 slurmctld scontrol ping
start slurmd slurmd -D
wait_for 60 "the node $host" bash -c "sinfo -h -n '$host' -o %t | grep -qx idle"
echo "slurm_up: one-node SLURM up (node $host, $cpus CPUs, $memory MB, accounting by slurmdbd); state in $state"
