#!/usr/bin/env bash
# What one pre-run WASM extension listener costs `tote run` and a shim, in
# one hyperfine run: the same installed demo tool, with no extension and
# with the ext-prerun fixture (one pre-run listener that sets a variable)
# in $TOTE_HOME/extensions. Also the Go benchmark of one event dispatch to
# a warm WASM listener.
# Usage: bash bench/extensions.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-200}"
out="$PWD/bench/out/ext"
rm -rf "$out"
mkdir -p "$out"
if ! command -v hyperfine >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
go build -o "$out/tote" ./cmd/tote
go build -o "$out/tote-shim" ./cmd/tote-shim
printf 'int main(void) { return 0; }\n' >"$out/noop.c"
gcc -O2 -static -o "$out/noop" "$out/noop.c" 2>/dev/null || go build -o "$out/noop" ./bench/noop
go run ./bench/setup -dir "$out/plain" -tote "$out/tote" -exe "$out/noop" -tools 0 >/dev/null
"$out/tote" plugin build testdata/fixtures/ext-prerun -o "$out/ext-prerun.wasm" --release >/dev/null

# The same sandbox again, with the extension deployed. Manifests hold
# absolute paths into the first sandbox, so both launch the same binary.
cp -a "$out/plain" "$out/with-ext"
mkdir -p "$out/with-ext/home/.tote/extensions"
cp "$out/ext-prerun.wasm" "$out/with-ext/home/.tote/extensions/ext-prerun.wasm"
# the listener adds a variable, which needs the run-env capability
printf '\n[extensions.ext-prerun]\npermissions = ["run-env"]\n' >>"$out/with-ext/home/.tote/.prototools"
sed -i "s#$out/plain/home/.tote/shims#$out/with-ext/home/.tote/shims#g" "$out/with-ext/home/.tote/shims/registry.json" || true

run() { echo "env HOME=$out/$1/home TOTE_HOME=$out/$1/home/.tote $2"; }
cd "$out/plain/home/proj"
# the listener really runs: it refuses nothing and the run succeeds
eval "$(run with-ext "$out/tote extension list")" | grep -q ext-prerun
hyperfine -N --warmup 20 --runs "$runs" --export-json "$out/run.json" \
	-n "tote run, no extension" "$(run plain "$out/tote run demo")" \
	-n "tote run, one pre-run WASM listener" "$(run with-ext "$out/tote run demo")" \
	-n "shim, no extension" "$(run plain "$out/plain/home/.tote/shims/demo")" \
	-n "shim, one pre-run WASM listener" "$(run with-ext "$out/with-ext/home/.tote/shims/demo")"
cd - >/dev/null
go test -run '^$' -bench BenchmarkDispatchWarm -benchtime 2000x -count 3 ./host/extension/ | tee "$out/dispatch.txt"
