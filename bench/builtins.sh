#!/usr/bin/env bash
# `tote versions node` with the native built-in vs its WASM build, cold
# (no compiled-WASM cache, no version-list cache) and warm (compiled code
# cached; --refresh so the plugin really parses the 820-release index).
# Results: bench/out/builtins/*.json and the table printed at the end.
# Usage: bash bench/builtins.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
out="$PWD/bench/out/builtins"
rm -rf "$out"
mkdir -p "$out"
if ! command -v hyperfine >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
go build -o "$out/tote" ./cmd/tote
go build -o "$out/mirror-server" ./bench/mirror

"$out/mirror-server" -dir "$out/mirror" -prototools "$out/rewrites.toml" >"$out/mirror.url" &
mirror=$!
trap 'kill $mirror 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/mirror.url" ] && break; sleep 0.1; done

for kind in native wasm; do
	home="$out/$kind/.tote"
	mkdir -p "$home"
	locator="builtin://node"
	[ "$kind" = wasm ] && locator="builtin+wasm://node"
	{ printf '[plugins]\nnode = "%s"\n\n' "$locator"; cat "$out/rewrites.toml"; } >"$home/.prototools"
done
TOTE_HOME="$out/wasm/.tote" "$out/tote" plugin build --builtin node --release --install >/dev/null

t() { echo "env HOME=$out/$1 TOTE_HOME=$out/$1/.tote $out/tote versions node $2"; }
# Both answer the same before anything is timed.
diff <($(t native --json)) <($(t wasm --json)) >/dev/null || { echo "native and WASM answers differ" >&2; exit 1; }

cd "$out"
hyperfine --warmup 2 --runs "$runs" --export-json cold.json \
	--prepare "rm -rf $out/native/.tote/cache" -n "native cold" "$(t native '')" \
	--prepare "rm -rf $out/wasm/.tote/cache" -n "wasm cold" "$(t wasm '')"
hyperfine -N --warmup 3 --runs "$runs" --export-json warm.json \
	-n "native warm" "$(t native --refresh)" \
	-n "wasm warm" "$(t wasm --refresh)"
