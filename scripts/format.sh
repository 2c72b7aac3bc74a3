#!/usr/bin/env bash
# scripts/format.sh        reformat every C++ file in place
# scripts/format.sh check  exit 1 listing the files clang-format-14 would change
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format-14}
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.h' '*.cc' | grep -v '^build')
if [ "${1:-}" = "check" ]; then
  bad=()
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    if ! "$CLANG_FORMAT" --dry-run -Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
  done
  if [ ${#bad[@]} -gt 0 ]; then
    echo "clang-format would change (run scripts/format.sh):"
    printf '  %s\n' "${bad[@]}"
    exit 1
  fi
  echo "format check: ${#files[@]} files OK"
else
  "$CLANG_FORMAT" -i "${files[@]}"
fi
