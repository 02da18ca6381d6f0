#!/usr/bin/env bash
# CTest SlurmSweep (label slurm): the shipped incast sweep submitted through sbatch to a one-node
# Slurm cluster started here (scripts/slurm-local) must collect into the same CSV as the same
# sweep run with the local backend (the host columns, wall time and memory, aside).
# Usage: sweep-on-slurm.sh NSFAB SOURCE_DIR WORK_DIR
set -euo pipefail
nsfab=$1
source=$2
work=$3
rm -rf "$work/on-slurm" "$work/here"
mkdir -p "$work"
cluster=$work/cluster
trap '"$source/scripts/slurm-local" stop "$cluster"' EXIT
eval "$("$source/scripts/slurm-local" start "$cluster")"

sweep=$source/scenarios/sweeps/incast.yaml
out=$("$nsfab" sweep "$sweep" --out "$work/on-slurm" --backend slurm)
echo "$out"
job=$(sed -n 's/^submitted Slurm job \([0-9]*\):.*/\1/p' <<<"$out")
[ -n "$job" ] || { echo "no job id in the output of nsfab sweep" >&2; exit 1; }
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 0.5
done
if [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; then
  echo "job $job still queued or running after 300 s:" >&2
  squeue -j "$job" >&2
  exit 1
fi
"$nsfab" collect "$work/on-slurm"
tasks=$(ls "$work/on-slurm/logs/slurm-${job}_"*.out | wc -l)
echo "$tasks array tasks ran"

"$nsfab" sweep "$sweep" --out "$work/here" --jobs 2 >/dev/null
"$nsfab" collect "$work/here"
/usr/bin/python3 - "$work/on-slurm/results.csv" "$work/here/results.csv" "$tasks" <<'PY'
import csv, sys
def rows(path):
    with open(path, newline="") as f:
        return [{k: v for k, v in r.items() if not k.startswith("host.")} for r in csv.DictReader(f)]
slurm, here = rows(sys.argv[1]), rows(sys.argv[2])
assert len(here) == 18, f"{len(here)} rows collected here, expected 18"
assert int(sys.argv[3]) == 18, f"{sys.argv[3]} array tasks, expected 18"
assert slurm == here, "the CSV collected from Slurm differs from the local backend's"
print(f"Slurm and local backends: the same {len(here)} rows of {len(here[0])} columns")
PY
