#!/usr/bin/env bash
# Runs every Go fuzz target of the repository for a bounded time each.
# Usage: bash scripts/fuzz.sh [SECONDS]   (default: $FUZZTIME, else 30)
# A longer hunt: bash scripts/fuzz.sh 600
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-${FUZZTIME:-30}}"
status=0
while read -r file name; do
	dir=$(dirname "$file")
	mod=. pkg="$dir"
	for m in api sdk; do
		case "$dir" in
		./$m) mod=$m pkg=. ;;
		./$m/*) mod=$m pkg="./${dir#./$m/}" ;;
		esac
	done
	echo "== fuzz $name ($dir, ${secs}s)"
	if ! out=$(cd "$mod" && go test -run '^$' -fuzz "^${name}\$" -fuzztime "${secs}s" "$pkg" 2>&1); then
		echo "$out"
		echo "FAIL fuzz $name ($dir)"
		status=1
		continue
	fi
	echo "$out" | grep -E '^fuzz: elapsed' | tail -n 1 || true
done < <(grep -rn --include='*_test.go' '^func Fuzz' . | grep -v '/testdata/' | grep -v '^./examples/' |
	sed -E 's/^([^:]+):[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*/\1 \2/' | sort)
exit $status
