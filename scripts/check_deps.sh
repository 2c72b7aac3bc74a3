#!/usr/bin/env bash
# Checks the layer table: a module's sources (include/ and src/, not tests) may include only the
# modules listed for it. Dependencies point downward; only server/ and cli/ name a backend.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=(
  [core]="core"
  [access]="core access"
  [audit]="core audit"
  [storage]="core access audit storage"
  [matching]="core matching"
  [schema]="core schema"
  [storage_sqlite]="core access audit storage storage_sqlite"
  [node]="core access audit storage schema matching node"
  [eurosur]="core access audit storage node maritime eurosur"
  [piu]="core access audit storage node travel piu"
  [eisas]="core access audit storage node cyber eisas"
  [cti]="core access audit storage node cyber cti"
  [api]="core access audit storage node maritime eurosur cyber eisas cti piu api"
  [server]="core access audit storage schema node api storage_sqlite maritime eurosur cyber cti eisas piu server"
  [domains/maritime]="core access maritime"
  [domains/travel]="core access matching travel"
  [domains/cyber]="core access cyber"
  [cli]="core access audit storage node server maritime matching travel cyber cti"
)

status=0
for module in "${!allowed[@]}"; do
  [ -d "$module" ] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    dep=$(sed -E 's/.*#include "issa\/([a-z_]+)\/.*/\1/' <<<"$line")
    if [[ " ${allowed[$module]} " != *" $dep "* ]]; then
      echo "layer violation: $file includes issa/$dep (allowed for $module: ${allowed[$module]})"
      status=1
    fi
  done < <(grep -rHE '#include "issa/[a-z_]+/' "$module" --include='*.h' --include='*.cc' \
             | grep -v '/tests/' | grep -v '/testing/' || true)
done
[ $status -eq 0 ] && echo "layer check: OK"
exit $status
