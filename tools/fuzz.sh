#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for a bounded time.
#
#   tools/fuzz.sh BUILD_DIR [--seconds=N] [--jobs[=N]] [TARGET...]
#
# BUILD_DIR is a clang build with KRAKEN_FUZZ=ON, e.g.
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
#       -DKRAKEN_FUZZ=ON -DBUILD_TESTING=OFF && ninja -C build-fuzz kraken_fuzz
# Each target runs N seconds (default 30) on a COPY of its seed corpus and its
# regression inputs, in BUILD_DIR/fuzz-runs/<target>/ (the committed corpus never
# grows). --jobs runs that many targets at once (bare --jobs: one per core).
# Prints each target's executions and result, then a summary table; exits 1 if
# any target crashed, leaked, timed out or ran out of memory, naming the input.
# KRAKEN_FUZZ_SEED fixes libFuzzer's seed (default 0: a new one each run).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# Every tests/fuzz/<target>_fuzz.cc, as tests/fuzz/CMakeLists.txt builds them.
all_targets=()
for source in "$root"/tests/fuzz/*_fuzz.cc; do
  name=$(basename "$source")
  all_targets+=("${name%_fuzz.cc}")
done

usage() {
  echo "usage: tools/fuzz.sh BUILD_DIR [--seconds=N] [--jobs[=N]] [TARGET...]" >&2
  echo "targets: ${all_targets[*]}" >&2
  exit 2
}

[ $# -ge 1 ] || usage
build=$(cd "$1" 2>/dev/null && pwd) || { echo "no build directory '$1'" >&2; usage; }
shift
seconds=30
jobs=1
targets=()
for arg in "$@"; do
  case "$arg" in
    --seconds=*) seconds=${arg#--seconds=} ;;
    --jobs) jobs=$(nproc) ;;
    --jobs=*) jobs=${arg#--jobs=} ;;
    -h|--help) usage ;;
    -*) echo "unknown option '$arg'" >&2; usage ;;
    *) targets+=("$arg") ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "--seconds wants a whole number > 0" >&2; exit 2; }
[[ "$jobs" =~ ^[0-9]+$ && "$jobs" -gt 0 ]] || { echo "--jobs wants a whole number > 0" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

for t in "${targets[@]}"; do
  if [ ! -x "$build/tests/fuzz/${t}_fuzz" ]; then
    echo "$build/tests/fuzz/${t}_fuzz is missing: configure $build with CC=clang CXX=clang++" \
         "-DKRAKEN_FUZZ=ON and run 'ninja -C $build kraken_fuzz' (targets: ${all_targets[*]})" >&2
    exit 2
  fi
done

runs=$build/fuzz-runs
# The logs the fuzzed code writes go to a scratch directory removed at the end
# (the targets use tmpfs there when they can).
scratch=$(mktemp -d "${TMPDIR:-/tmp}/kraken-fuzz-run-XXXXXX")
[ -w /dev/shm ] && scratch_shm=$(mktemp -d /dev/shm/kraken-fuzz-run-XXXXXX) || scratch_shm=$scratch
trap 'rm -rf "$scratch" "$scratch_shm"' EXIT

# run_target NAME: fuzzes one target; writes its figures to $runs/NAME/result.
run_target() {
  local t=$1 dir=$runs/$1
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts" "$scratch_shm/$t"
  # The seeds and every past crash, without the READMEs.
  find "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t" -maxdepth 1 -type f \
       ! -name 'README*' -exec cp {} "$dir/corpus/" \; 2>/dev/null || true
  local dict=()
  [ -f "$root/tests/fuzz/dict/$t.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$t.dict")
  local status=0
  KRAKEN_FUZZ_TMPDIR=$scratch_shm/$t \
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$build/tests/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -seed="${KRAKEN_FUZZ_SEED:-0}" \
      -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "${dict[@]}" "$dir/corpus" \
      >"$dir/log" 2>&1 || status=$?
  local execs rate
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -n 1)
  local found
  found=$(find "$dir/artifacts" -type f | sort)
  local crashes
  crashes=$(printf '%s' "$found" | grep -c . || true)
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  echo "$t ${execs:-?} ${rate:-?} $crashes $status" >"$dir/result"
  if [ "$crashes" -eq 0 ]; then
    printf '%-13s %12s executions (%s/s) in %ss: no crash\n' "$t" "${execs:-?}" "${rate:-?}" \
      "$seconds"
  else
    printf '%-13s CRASHED (exit %s) after %s executions; log: %s\n' "$t" "$status" \
      "${execs:-?}" "$dir/log"
    grep -m 3 -E 'ERROR: |invariant failed|runtime error|SUMMARY' "$dir/log" | sed 's/^/    /' || true
    local f
    for f in $found; do
      echo "    input: $f"
      echo "    reproduce: $build/tests/fuzz/${t}_fuzz $f"
      echo "    keep it as a regression test (then fix it): cp $f" \
           "$root/tests/fuzz/regressions/$t/<what-it-shows>  # FuzzReplay.$t replays it"
    done
  fi
}

echo "fuzzing ${targets[*]} for ${seconds}s each ($jobs at a time) in $runs"
running=0
for t in "${targets[@]}"; do
  if [ "$jobs" -le 1 ]; then
    run_target "$t"
  else
    run_target "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
  fi
done
wait

failed=0
echo
printf '%-13s %14s %10s %8s\n' target executions exec/s crashes
for t in "${targets[@]}"; do
  read -r name execs rate crashes _ <"$runs/$t/result"
  printf '%-13s %14s %10s %8s\n' "$name" "$execs" "$rate" "$crashes"
  [ "$crashes" -eq 0 ] || failed=1
done
if [ "$failed" -ne 0 ]; then
  echo "a target crashed: see its input and log above" >&2
  exit 1
fi
