#!/usr/bin/env bash
# Stand up a real single-node SLURM on this machine, run the pipeline on a tiny configuration
# through Snakemake's SLURM executor plugin, check that every job ran as a SLURM job and that
# the results equal a local run's, then stop the daemons this script started.
# Needs root and apt-get (as on CI); elsewhere it says so and exits 0.
# Usage: make test-slurm  (or bash tests/slurm/slurm_ci.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY="$ROOT/.venv/bin/python"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "SKIP test-slurm: needs root and apt-get to install a local SLURM"
  exit 0
fi
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "installing slurmctld slurmd slurm-client munge (Debian packages)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi

WORK=$(mktemp -d /tmp/segsweep-slurm.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  restore_slurm_conf
}
# A slurm.conf left in /etc/slurm with no controller running makes every later Snakemake
# start wait 9 s (the SLURM executor plugin asks `scontrol show config` when it is imported,
# with a 10 s timeout), so the machine's own slurm.conf, or none, is put back at the end.
# (SLURM_CONF cannot name a file elsewhere: batch jobs do not inherit it.)
restore_slurm_conf() {
  if [ -e "$WORK/slurm.conf.before" ]; then
    mv -f "$WORK/slurm.conf.before" /etc/slurm/slurm.conf
  elif [ -n "${WROTE_SLURM_CONF:-}" ]; then
    rm -f /etc/slurm/slurm.conf
  fi
}
trap cleanup EXIT

# munge: authentication between the SLURM daemons and clients
mkdir -p /run/munge /etc/munge /var/lib/munge /var/log/munge
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chown -R munge:munge /run/munge /etc/munge /var/lib/munge /var/log/munge
chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key
runuser -u munge -- /usr/sbin/munged --force
PIDS+=("$(cat /run/munge/munged.pid)")

# slurm.conf for one node: this machine
CPUS=$(nproc)
MEMORY=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) * 85 / 100 / 1024 ))
mkdir -p /etc/slurm /var/spool/slurmd /var/spool/slurmctld
[ -e /etc/slurm/slurm.conf ] && cp -p /etc/slurm/slurm.conf "$WORK/slurm.conf.before"
WROTE_SLURM_CONF=1
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=segsweep-ci
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
MinJobAge=600
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEMORY State=UNKNOWN
PartitionName=ci Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -i
sleep 1
PIDS+=("$(cat "$WORK/slurmctld.pid")")
slurmd -N localhost
sleep 1
PIDS+=("$(cat "$WORK/slurmd.pid")")
for _ in $(seq 1 30); do
  state=$(sinfo -h -o %T 2>/dev/null | head -n 1 || true)
  [ "$state" = "idle" ] && break
  sleep 1
done
echo "SLURM node state: ${state:-unknown}"
[ "$state" = "idle" ]

# the same tiny workflow twice: locally and through SLURM
cd "$ROOT"
PYTHONPATH="$ROOT/tests:$ROOT/workflow/scripts" "$PY" - "$WORK" <<'PYCODE'
import sys
from pathlib import Path

from pipeline import TINY_CONFIG, copy_workflow, write_images

# every step of the pipeline, on as few jobs as keep it meaningful: 2 images, 1 space, 1 method
config = {**TINY_CONFIG, "spaces": ["rgb"], "methods": {"kmeans": {}}}
for name in ("local", "slurm"):
    workdir = copy_workflow(Path(sys.argv[1]) / name, config)
    write_images(workdir / "images")
    (workdir / "images" / "noise photo.jpg").unlink()
PYCODE
(cd "$WORK/local" && "$PY" -m snakemake --cores 2 --quiet progress >/dev/null 2>&1)
cd "$WORK/slurm"
timeout -k 10 270 "$PY" -m snakemake --workflow-profile "$ROOT/workflow/profiles/slurm" \
  --slurm-no-account \
  --slurm-status-command squeue --slurm-init-seconds-before-status-checks 2 \
  --jobs 4 > "$WORK/snakemake.log" 2>&1 || { tail -n 40 "$WORK/snakemake.log"; exit 1; }

# every job of the run was a SLURM job, and the results equal the local run's
PYTHONPATH="$ROOT/tests:$ROOT/workflow/scripts" "$PY" - "$WORK" <<'PYCODE'
import re
import sys
from pathlib import Path

from pipeline import comparable_files

work = Path(sys.argv[1])
log = (work / "snakemake.log").read_text()
# a job of a group (segment jobs) is printed indented under a "Group job" heading and the
# whole group is one SLURM submission
single = re.findall(r"^(?:rule|checkpoint) (\w+):", log, flags=re.M)
grouped = re.findall(r"^ +(?:rule|checkpoint) (\w+):", log, flags=re.M)
groups = re.findall(r"Group job (\w+)", log)
local = re.findall(r"^local(?:rule|checkpoint) (\w+):", log, flags=re.M)
finished = re.findall(r"^Finished jobid: \d+ \(Rule: (\w+)\)", log, flags=re.M)
submitted = re.findall(r"submitted with SLURM jobid (\d+)", log, flags=re.I)
controller = len(re.findall(r"_slurm_rpc_submit_batch_job: JobId=\d+", (work / "slurmctld.log").read_text()))
print(
    f"jobs: {len(single)} alone, {len(grouped)} in {len(groups)} group submissions "
    f"(local target rules: {local}); SLURM submissions: {len(submitted)}, seen by slurmctld: {controller}"
)
assert single and grouped, "expected plain jobs and grouped segment jobs"
assert len(submitted) == len(single) + len(groups) == controller, "not every job ran through SLURM"
assert sorted(finished) == sorted(single + grouped + local), "a job did not finish"
# only the target rule and the screened checkpoint (it reads the small screening records:
# a queue wait would cost more) run on the submitting machine (the Snakefile's localrules)
assert set(local) <= {"all", "screened"}, local
slurm, reference = comparable_files(work / "slurm"), comparable_files(work / "local")
assert slurm.keys() == reference.keys(), sorted(set(slurm) ^ set(reference))
stages = {name.split("/")[0] for name in slurm}
assert stages >= {"ingest", "fits", "labels", "measures", "tables", "report"}, sorted(slurm)
differing = [name for name in slurm if slurm[name] != reference[name]]
assert not differing, f"results differ from the local run: {differing}"
print(f"SLURM run equals the local run: {len(slurm)} files compared byte for byte")
print("1 passed, 0 failed")
PYCODE
