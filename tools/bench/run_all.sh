#!/usr/bin/env bash
# Runs every KRAKEN benchmark and prints a summary of the targets.
#   tools/bench/run_all.sh BUILD_DIR [--quick] [--tmp-dir=DIR] [BENCH...]
# BUILD_DIR holds the built benches (BUILD_DIR/tools/bench/<name>); `tools/dev bench`
# builds ./build and calls this. --quick shrinks every bench for a smoke run;
# --tmp-dir puts the scratch data elsewhere (default BUILD_DIR/bench-tmp, on the
# disk under the build, so that disk is what gets measured). BENCH names pick a
# subset: append_latency_bench append_throughput_bench replay_bench memory_bench sheets_bench
# sync_bench. The Discord endpoint bench needs node: tools/bench/discord_bench.sh BUILD_DIR.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
build=$(cd "$1" && pwd)
shift

all=(append_latency_bench append_throughput_bench replay_bench memory_bench sheets_bench sync_bench)
common=()
tmp_dir=$build/bench-tmp
chosen=()
for arg in "$@"; do
  case "$arg" in
    --quick) common+=(--quick) ;;
    --tmp-dir=*) tmp_dir=${arg#--tmp-dir=} ;;
    -*) echo "run_all.sh: unknown option $arg" >&2; exit 2 ;;
    *) chosen+=("$arg") ;;
  esac
done
[ ${#chosen[@]} -eq 0 ] && chosen=("${all[@]}")
made_tmp_dir=false
[ -d "$tmp_dir" ] || made_tmp_dir=true

log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT
failed=()
started=$SECONDS
for bench in "${chosen[@]}"; do
  exe=$build/tools/bench/$bench
  if [ ! -x "$exe" ]; then
    echo "run_all.sh: $exe is not built" >&2
    failed+=("$bench (not built)")
    continue
  fi
  printf '\n\033[1m==> %s\033[0m\n' "$bench"
  args=("${common[@]}")
  # memory_bench writes nothing to disk.
  [ "$bench" != memory_bench ] && args+=("--tmp-dir=$tmp_dir")
  if ! "$exe" "${args[@]}" | tee "$log_dir/$bench.out"; then
    failed+=("$bench (exit status ${PIPESTATUS[0]})")
  fi
done
# Each bench removes its own data; remove the directory too if this run made it.
if $made_tmp_dir; then rmdir "$tmp_dir" 2>/dev/null || true; fi

printf '\n\033[1m==> summary (%d s, %s)\033[0m\n' "$((SECONDS - started))" \
  "$(date -u +%Y-%m-%dT%H:%MZ)"
for bench in "${chosen[@]}"; do
  [ -f "$log_dir/$bench.out" ] || continue
  grep -E 'median|ratio|target' "$log_dir/$bench.out" | sed "s/^ */$bench: /" || true
done
missed=$(cat "$log_dir"/*.out 2>/dev/null | grep -c 'MISSED' || true)
echo "targets missed: $missed"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failed[@]}"
  exit 1
fi
