#!/usr/bin/env bash
# Side-by-side comparison of vzlab's `vmfarm` benchmark with the SimGrid
# reference implementation of the same workload (bench/simgrid/simgrid_vmfarm_ref.cpp).
#
# Usage: bench/compare-simgrid.sh            (from any directory)
#   COMPARE_HOSTS="10 100"  override the list of host counts (default: 10 100 1000)
# Prints the machine description and a Markdown table; exits non-zero when any
# makespan differs by more than 1e-9 (relative) or the task counts differ.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build"
REF_SRC="$ROOT/bench/simgrid/simgrid_vmfarm_ref.cpp"
REF_BIN="$BUILD/bench/simgrid_vmfarm_ref"
VZ_BIN="$BUILD/bench/vmfarm"
VMS=8
TASKS=100
TOLERANCE=1e-9
read -r -a HOST_LIST <<< "${COMPARE_HOSTS:-10 100 1000}"

die() { echo "compare-simgrid: $*" >&2; exit 2; }

(( ${#HOST_LIST[@]} > 0 )) || die "empty host list"
for hosts in "${HOST_LIST[@]}"; do
  [[ "$hosts" =~ ^[1-9][0-9]*$ ]] || die "bad host count '$hosts' in COMPARE_HOSTS"
done

# --- build the SimGrid reference if needed -------------------------------------
pkg-config --exists simgrid || die "SimGrid development files not found (pkg-config simgrid)"
if [[ ! -x "$REF_BIN" || "$REF_SRC" -nt "$REF_BIN" ]]; then
  mkdir -p "$(dirname "$REF_BIN")"
  echo "building $REF_BIN ..." >&2
  # shellcheck disable=SC2046
  g++ -O2 -std=c++20 "$REF_SRC" -o "$REF_BIN" $(pkg-config --cflags --libs simgrid)
fi

# --- our own benchmark ------------------------------------------------------------
if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >&2
fi
cmake --build "$BUILD" --target vmfarm >/dev/null
[[ -x "$VZ_BIN" ]] || die "$VZ_BIN still missing after build"

HAVE_TIME=0
[[ -x /usr/bin/time ]] && HAVE_TIME=1

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# vzlab is fast enough to run several times: keep the run with the median speed.
VZ_RUNS="${VZ_RUNS:-5}"
run_vz_median() {
  local hosts="$1" k
  for ((k = 0; k < VZ_RUNS; k++)); do
    run_one "$VZ_BIN" "$hosts" vz
    mv "$TMP/vz.out" "$TMP/vz.$k.out"; mv "$TMP/vz.rss" "$TMP/vz.$k.rss"
  done
  k="$(for ((i = 0; i < VZ_RUNS; i++)); do echo "$(field "$TMP/vz.$i.out" tasks_per_wall_s) $i"; done \
        | sort -n | awk -v m=$((VZ_RUNS / 2)) 'NR == m + 1 { print $2 }')"
  cp "$TMP/vz.$k.out" "$TMP/vz.out"; cp "$TMP/vz.$k.rss" "$TMP/vz.rss"
}

# run_one <binary> <hosts> <tag>: leaves stdout in $TMP/<tag>.out, peak RSS (KiB or n/a) in $TMP/<tag>.rss
run_one() {
  local bin="$1" hosts="$2" tag="$3"
  if (( HAVE_TIME )); then
    /usr/bin/time -f %M -o "$TMP/$tag.rss" "$bin" "$hosts" "$VMS" "$TASKS" > "$TMP/$tag.out" 2> "$TMP/$tag.err" \
      || { cat "$TMP/$tag.err" >&2; die "$bin $hosts $VMS $TASKS failed"; }
    tail -n 1 "$TMP/$tag.rss" > "$TMP/$tag.rss.tmp" && mv "$TMP/$tag.rss.tmp" "$TMP/$tag.rss"
  else
    "$bin" "$hosts" "$VMS" "$TASKS" > "$TMP/$tag.out" 2> "$TMP/$tag.err" \
      || { cat "$TMP/$tag.err" >&2; die "$bin $hosts $VMS $TASKS failed"; }
    echo "n/a" > "$TMP/$tag.rss"
  fi
}

# field <file> <key>: value of key=value (first occurrence) or empty
field() {
  grep -o "\\b$2=[^ ]*" "$1" | head -n 1 | cut -d= -f2 || true
}

# makespan <file>: prefer the full-precision value
makespan_of() {
  local v
  v="$(field "$1" makespan_exact)"
  if [[ -z "$v" ]]; then
    v="$(field "$1" makespan_s)"
    echo "compare-simgrid: warning: no makespan_exact in $1, using 6-digit makespan_s" >&2
  fi
  [[ -n "$v" ]] || die "no makespan in output: $(cat "$1")"
  echo "$v"
}

mib() { if [[ "$1" =~ ^[0-9]+$ ]]; then awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; else echo "n/a"; fi; }

# --- machine ------------------------------------------------------------------
CPU="$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
echo "Machine: ${CPU:-unknown CPU}, $(nproc) CPUs; SimGrid $(pkg-config --modversion simgrid)"
echo "Workload: HOSTS x $VMS single-vCPU VMs, $TASKS chained tasks per VM"
echo

echo "vzlab: median of $VZ_RUNS runs; wall = simulation only (platform set-up excluded, as in the peer program)"
echo
echo "| hosts | tasks | makespan vzlab | makespan SimGrid | rel. diff | wall vzlab (s) | vzlab time vs previous row | wall SimGrid (s) | speed ratio (tasks/s) | peak RSS vzlab MiB | peak RSS SimGrid MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
prev_wall=""

status=0
for hosts in "${HOST_LIST[@]}"; do
  run_vz_median "$hosts"
  run_one "$REF_BIN" "$hosts" sg

  vz_mk="$(makespan_of "$TMP/vz.out")";  sg_mk="$(makespan_of "$TMP/sg.out")"
  vz_tasks="$(field "$TMP/vz.out" tasks)"; sg_tasks="$(field "$TMP/sg.out" tasks)"
  sg_wall="$(field "$TMP/sg.out" wall_s)"
  vz_tps="$(field "$TMP/vz.out" tasks_per_wall_s)"; sg_tps="$(field "$TMP/sg.out" tasks_per_wall_s)"
  # tasks / tasks-per-second keeps more digits than the printed 3-decimal wall_s
  vz_wall="$(awk -v t="$vz_tasks" -v r="$vz_tps" 'BEGIN { printf "%.4f", (r > 0 ? t / r : 0) }')"
  scale="$(awk -v a="$vz_wall" -v b="$prev_wall" 'BEGIN { if (b + 0 > 0) printf "%.1fx", a / b; else print "-" }')"
  prev_wall="$vz_wall"

  rel="$(awk -v a="$vz_mk" -v b="$sg_mk" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (b < 0 ? -b : b); if (m < 1e-300) m = 1e-300; printf "%.3g", d / m }')"
  ok="$(awk -v r="$rel" -v t="$TOLERANCE" 'BEGIN { print (r <= t) ? 1 : 0 }')"
  ratio="$(awk -v a="$vz_tps" -v b="$sg_tps" 'BEGIN { if (b + 0 > 0 && a != "") printf "%.2fx", a / b; else print "n/a" }')"
  mark=""
  if [[ "$ok" != 1 ]]; then mark=" **FAIL**"; status=1; fi
  if [[ "$vz_tasks" != "$sg_tasks" ]]; then
    echo "compare-simgrid: task count mismatch at $hosts hosts: vzlab=$vz_tasks SimGrid=$sg_tasks" >&2
    mark=" **FAIL**"; status=1
  fi

  printf '| %s | %s | %s | %s | %s%s | %s | %s | %s | %s | %s | %s |\n' \
    "$hosts" "$sg_tasks" "$vz_mk" "$sg_mk" "$rel" "$mark" "$vz_wall" "$scale" "$sg_wall" "$ratio" \
    "$(mib "$(cat "$TMP/vz.rss")")" "$(mib "$(cat "$TMP/sg.rss")")"
done

if (( status != 0 )); then
  echo >&2
  echo "compare-simgrid: makespan/task mismatch beyond relative tolerance $TOLERANCE" >&2
fi
exit "$status"
