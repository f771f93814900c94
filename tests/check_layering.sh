#!/usr/bin/env bash
# Fails if a lower layer includes a higher one. Layers, lowest first:
#   events <- projections <- src <- tools
set -euo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root"
status=0
check() {  # check DIR FORBIDDEN_PREFIX...
  local dir=$1; shift
  for higher in "$@"; do
    if hits=$(grep -rnE "#include \"${higher}/" "$dir" --include='*.h' --include='*.cc'); then
      echo "layering violation: $dir/ includes $higher/ (layers: events <- projections <- src <- tools):"
      echo "$hits"
      status=1
    fi
  done
}
check events projections src tools
check projections src tools
check src tools
[ $status -eq 0 ] && echo "layering ok: events <- projections <- src <- tools"
exit $status
