#!/usr/bin/env bash
# Runs the README's Slurm array job on a one-node Slurm cluster started here from Debian's
# packages (slurmd slurmctld slurm-client munge; needs root), joins the shard slices with
# scripts/join-shards.sh and checks they are bitwise what one `lstm run` writes. The daemons
# (and munged, if this script started it) are stopped and the scratch folder removed on any
# exit; every wait is bounded.
#
#   scripts/slurm-test.sh [path/to/lstm]      (default: .build/debug/lstm)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"
lstm="$(realpath "${1:-.build/debug/lstm}")"
shards=3
fixture="$repo/Tests/Fixtures/torch-packed-lengths"

fail() { echo "slurm-test: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (it starts slurmctld, slurmd and munged)"
for tool in slurmctld slurmd sbatch sinfo munged; do
    command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install slurmd slurmctld slurm-client munge"
done
[ -x "$lstm" ] || fail "no lstm binary at $lstm (swift build first)"

# The daemons must not inherit the caller's descriptors: a parent that waits for its child's
# pipes to close (as Foundation's Process does) would otherwise wait for the daemons too.
for fd in /proc/$$/fd/*; do
    fd="${fd##*/}"
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

scratch="$(mktemp -d /tmp/lstm-slurm-XXXXXX)"
chmod 755 "$scratch"
started_munge=0
started_slurm=0
stop() {  # stop PIDFILE: SIGTERM, up to 10 s to go, then SIGKILL
    [ -s "$1" ] || return 0
    local pid
    pid="$(cat "$1")"
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # Only this script's cluster: its own slurm.conf, never the caller's SLURM_CONF.
    if [ "$started_slurm" = 1 ]; then SLURM_CONF="$scratch/slurm.conf" timeout 10 scontrol shutdown >/dev/null 2>&1 || true; fi
    stop "$scratch/slurmd.pid"
    stop "$scratch/slurmctld.pid"
    if [ "$started_munge" = 1 ]; then stop "$scratch/munged.pid"; fi
    if [ $status -ne 0 ] && [ -d "$scratch/log" ]; then tail -n 20 "$scratch"/log/*.log >&2 || true; fi
    rm -rf "$scratch"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# munge: reuse a running daemon, else start one on its own socket.
socket=/run/munge/munge.socket.2
if ! munge -n -S "$socket" >/dev/null 2>&1; then
    socket="$scratch/munge/munge.socket"
    mkdir -p "$scratch/munge"
    chown munge:munge "$scratch/munge"
    runuser -u munge -- /usr/sbin/munged --socket="$socket" --pid-file="$scratch/munge/munged.pid" \
        --log-file="$scratch/munge/munged.log" --seed-file="$scratch/munge/munged.seed"
    started_munge=1
    for _ in $(seq 50); do [ -s "$scratch/munge/munged.pid" ] && break; sleep 0.1; done
    cp "$scratch/munge/munged.pid" "$scratch/munged.pid"
fi

host="$(hostname)"
port=$((20000 + RANDOM % 20000))  # apart from any other cluster on this machine
mkdir -p "$scratch/state" "$scratch/spool" "$scratch/log" "$scratch/results"
cat > "$scratch/slurm.conf" <<CONF
ClusterName=lstmtest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
ReturnToService=2
NodeName=$host CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=10 State=UP
CONF
export SLURM_CONF="$scratch/slurm.conf"
started_slurm=1
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then break; fi
    sleep 0.5
done
sinfo -h -o '%t' | grep -qE '^(idle|mix|alloc)' || fail "the node did not come up: $(sinfo 2>&1)"

inputs=(--weights "$fixture/model.safetensors" --input "$fixture/input.npy" --lengths "$fixture/lengths.npy")
"$lstm" run "${inputs[@]}" --progress never --output "$scratch/y.npy" --h-n "$scratch/h_n.npy" --c-n "$scratch/c_n.npy"

# The README's submission, verbatim but for the paths.
cd "$scratch"
timeout 120 sbatch --wait --array=0-$((shards - 1)) \
    --export=ALL,LSTM="$lstm",WEIGHTS="$fixture/model.safetensors",INPUT="$fixture/input.npy",LENGTHS="$fixture/lengths.npy",OUT="$scratch/results" \
    "$repo/scripts/slurm/lstm-shards.sbatch" || { cat "$scratch"/lstm-shard-*.log >&2 || true; fail "the array job failed or timed out"; }
LSTM="$lstm" "$repo/scripts/join-shards.sh" "$scratch/results" "$shards"

for name in y h_n c_n; do
    cmp "$scratch/$name.npy" "$scratch/results/$name.npy" || fail "$name: the joined slices differ from the one-process run"
done
echo "slurm-test: PASS: $shards array tasks, joined slices bitwise equal to one lstm run"
