#!/usr/bin/env bash
# The whole test suite: vet and test every module of the repository.
# Usage: bash scripts/test.sh [extra go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."

modules=(. api sdk sdk/plugintest)
# Every example plugin is a module of its own, tested like the rest.
for mod in examples/*/go.mod; do
	[ -e "$mod" ] && modules+=("$(dirname "$mod")")
done
status=0
# checks: vet, the Windows/macOS and WASM builds, gofmt. They go on beside
# the root module's tests (the go command's package loading leaves a core
# idle most of the time) and print with the other modules' output.
checks() {
	local st=0 m target patterns=() bins
	# One go command per check for every module (the workspace holds them
	# all), and the binaries written to a directory kept between runs (one
	# per checkout): go build links again only a binary whose inputs
	# changed, where without -o it links every main package every time
	# (~9 CPU-s per platform).
	bins="${XDG_CACHE_HOME:-$HOME/.cache}/tote-suite-bins/$(pwd | cksum | cut -d' ' -f1)"
	mkdir -p "$bins"
	for m in "${modules[@]}"; do
		if [ "$m" = . ]; then patterns+=(./...); else patterns+=("./$m/..."); fi
	done
	echo "== go vet (${modules[*]}) [${SECONDS}s]"
	go vet "${patterns[@]}" || st=1
	echo "== go vet (sdk, GOOS=wasip1) [${SECONDS}s]"
	(cd sdk && GOOS=wasip1 GOARCH=wasm go vet ./...) || st=1
	# tote must build for Windows and macOS too (the host-side modules; the
	# examples are WASM plugins, built below).
	for target in windows/amd64 darwin/arm64; do
		echo "== go build (. api sdk sdk/plugintest, $target) [${SECONDS}s]"
		GOOS=${target%/*} GOARCH=${target#*/} go build -o "$bins/${target%/*}/" ./... ./api/... ./sdk/... ./sdk/plugintest/... || st=1
	done
	for m in "${modules[@]}"; do
		case "$m" in examples/*)
			# An example without a Go main package (one written in another
			# Extism language, with only Go tests) has no Go plugin to build.
			# An example that embeds tote's host (imports host/...) is a
			# program, not a plugin: built natively and for Windows and macOS.
			if (cd "$m" && go list -f '{{join .Imports " "}}' . 2>/dev/null) | grep -q 'github.com/tote-dev/tote/host/'; then
				for target in "" windows/amd64 darwin/arm64; do
					echo "== go build ($m${target:+, $target}) [${SECONDS}s]"
					if [ -n "$target" ]; then
						(cd "$m" && GOOS=${target%/*} GOARCH=${target#*/} go build -o "$bins/${target%/*}/" .) || st=1
					else
						(cd "$m" && go build -o "$bins/" .) || st=1
					fi
				done
				continue
			fi
			if [ "$(cd "$m" && GOOS=wasip1 GOARCH=wasm go list -f '{{.Name}}' . 2>/dev/null)" != main ]; then
				echo "== go build ($m): no main package, skipped [${SECONDS}s]"
				continue
			fi
			echo "== go build ($m, GOOS=wasip1) [${SECONDS}s]"
			(cd "$m" && GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o "$bins/$(basename "$m").wasm" .) || st=1
		esac
	done
	unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go') 2>/dev/null || true)
	if [ -n "$unformatted" ]; then
		echo "gofmt: these files need formatting:"; echo "$unformatted"; st=1
	fi
	return $st
}
log=$(mktemp)
others=$(mktemp)
trap 'rm -f "$log" "$others"' EXIT
# gotest MODULE [flags]: one module's tests.
gotest() {
	local m=$1
	shift
	echo "== go test ($m) [${SECONDS}s]"
	(cd "$m" && go test -count=1 -timeout "${TEST_TIMEOUT:-20m}" "$@" ./...) 2>&1
}
# The root module's tests are the long pole (cmd/tote's scripts): they start
# first; the checks, the other modules and the race run go on beside them,
# their output kept apart and printed after the root's.
(
	st=0
	checks || st=1
	for m in "${modules[@]:1}"; do
		gotest "$m" "$@" || st=1
	done
	# The in-process concurrency tests once more under the race detector
	# (parallel installs from a lockfile, concurrent tool loads): only the
	# tests named for it, so the instrumented build stays one package.
	echo "== go test -race (internal/toolchain: TestRace*, TestManagerConcurrent*) [${SECONDS}s]"
	go test -race -count=1 -run '^(TestRace|TestManagerConcurrent)' ./internal/toolchain 2>&1 || st=1
	exit $st
) >"$others" 2>&1 &
others_pid=$!
# One package more at a time than there are cores: cmd/tote holds a slot
# for the whole run, and the root module's ~55 other packages (many of them
# waiting on processes, servers and timers) would otherwise go one at a
# time beside it and end well after it.
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
gotest . -p $((cores + 1)) "$@" | tee -a "$log" || status=1
wait "$others_pid" || status=1
tee -a "$log" <"$others"
# go test above replays every fuzz target's seed corpus (testdata/fuzz).
# Fuzzing proper runs for FUZZTIME seconds per target when asked
# (FUZZTIME=30 bash scripts/test.sh); by default it is skipped.
if [ "${FUZZTIME:-0}" != 0 ]; then
	bash scripts/fuzz.sh "$FUZZTIME" 2>&1 | tee -a "$log" || status=1
fi
# One closing line for people and CI: packages that passed and failed,
# and fuzz targets that found a failure.
passed=$(grep -c '^ok ' "$log" || true)
failed=$(grep -c $'^FAIL\t' "$log" || true)
fuzzfailed=$(grep -c '^FAIL fuzz ' "$log" || true)
[ "$status" = 0 ] || [ "$failed" != 0 ] || [ "$fuzzfailed" != 0 ] || failed=1
echo "packages: $passed passed, $failed failed; fuzz targets failed: $fuzzfailed (${SECONDS}s)"
exit $status
