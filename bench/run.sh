#!/usr/bin/env bash
# bench/run.sh — reproduces every figure in BENCHMARKS.md.
#
#   bash bench/run.sh            # everything (about 5 minutes on 2 cores)
#   bash bench/run.sh cli        # only the hyperfine figures
#   bash bench/run.sh runtime    # only the Go runtime benchmarks
#   bash bench/run.sh compare REV   # the shim built at git REV vs the current one
#   bash bench/run.sh activate   # a tool through tote activate vs direct exec vs the shim
#   bash bench/run.sh lockfile REV  # the lockfile check: shim at REV vs now, with and without a lockfile
#   bash bench/run.sh run REV       # tote run built at REV vs now, beside direct exec and the shim
#
# It installs what it lacks (hyperfine from Debian, mise from the npm
# registry), builds tote, tote-shim and a tiny static "noop" tool binary into
# bench/out/, builds a sandbox ($HOME, $TOTE_HOME, projects) with
# bench/setup — which serves a local mirror on 127.0.0.1 only while
# `tote install` runs — links the same binary into mise, and runs hyperfine.
# After setup nothing touches the network: the mirror is stopped, mise runs
# with MISE_OFFLINE=1, and the tote plugin file is moved away before any
# figure is taken (see "hot path" below).
#
# Results: bench/out/*.json (hyperfine exports), bench/out/runtime-*.txt (go
# test -bench output) and bench/out/summary.md (the tables of BENCHMARKS.md,
# computed by bench/report). Not part of the test suite; .ci/run never calls it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/bench/out
MISE_VERSION=2026.9.15
WARMUP=${WARMUP:-20}
RUNS=${RUNS:-300}
WHAT=${1:-all}
mkdir -p "$OUT"
cd "$ROOT"

log() { printf '\n== %s\n' "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

need_hyperfine() {
	command -v hyperfine >/dev/null && return
	log "installing hyperfine (apt-get)"
	apt-get install -y hyperfine >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y hyperfine >/dev/null; }
}

need_mise() {
	MISE=$OUT/mise/package/bin/mise
	if [[ -x $MISE ]] && "$MISE" --version 2>/dev/null | grep -q "^$MISE_VERSION "; then
		return
	fi
	log "fetching mise $MISE_VERSION (npm pack @jdxcode/mise-linux-x64)"
	rm -rf "$OUT/mise" && mkdir -p "$OUT/mise"
	(cd "$OUT/mise" && npm pack --silent "@jdxcode/mise-linux-x64@$MISE_VERSION" >/dev/null && tar xzf jdxcode-mise-linux-x64-"$MISE_VERSION".tgz)
	# The tarball holds package/bin/mise, a static Linux x86-64 binary.
	"$MISE" --version
}

build() {
	log "building tote, tote-shim and the noop tool"
	go build -o "$OUT/tote" ./cmd/tote
	go build -o "$OUT/tote-shim" ./cmd/tote-shim
	# The tool that is launched: a static C program that returns 0, so that no
	# shell or dynamic loader start-up blurs the launchers' figures. A Go
	# program that does nothing stands in when static linking fails.
	printf 'int main(void) { return 0; }\n' >"$OUT/noop.c"
	if gcc -O2 -static -o "$OUT/noop" "$OUT/noop.c" 2>/dev/null; then
		NOOP_KIND="static C (gcc -O2 -static)"
	else
		go build -o "$OUT/noop" ./bench/noop
		NOOP_KIND="Go (bench/noop; static gcc failed)"
	fi
	echo "$NOOP_KIND" >"$OUT/noop.kind"
}

sandbox() {
	tote_sandbox

	# mise: `mise link` only accepts tools mise knows (`demo` is "not found in
	# mise tool registry"), and reshim makes shims only for tools whose backend
	# it can name. So the tool is linked as core `node`: a directory whose
	# bin/node is a hard link to the very file tote installed as bin/demo.
	mkdir -p "$SB/mise-node/bin" "$SB/mise/data" "$SB/mise/config" "$SB/mise/cache" "$SB/mise/state"
	ln -f "$SB/home/.tote/tools/demo/1.0.0/bin/demo" "$SB/mise-node/bin/node"
	mise_env "$MISE" link node@1.0.0 "$SB/mise-node" >/dev/null
	printf '[tools]\nnode = "1.0"\n' >"$SB/home/proj/mise.toml"
	(cd "$SB/home/proj" && mise_env "$MISE" trust . >/dev/null && mise_env "$MISE" reshim)
	test -L "$SB/mise/data/shims/node" || { echo "mise reshim made no node shim" >&2; exit 1; }
}

# tote_sandbox builds tote's part of the sandbox (no mise).
tote_sandbox() {
	log "building the sandbox (local mirror on 127.0.0.1 while tote installs)"
	SB=$OUT/sandbox
	rm -rf "$SB"
	go run ./bench/setup -dir "$SB" -tote "$OUT/tote" -exe "$OUT/noop" -tools 20
}

# mise_env runs a command with the sandbox's environment (also tote's).
mise_env() {
	env HOME="$SB/home" TOTE_HOME="$SB/home/.tote" TOTE_LOG=warn \
		MISE_DATA_DIR="$SB/mise/data" MISE_CONFIG_DIR="$SB/mise/config" \
		MISE_CACHE_DIR="$SB/mise/cache" MISE_STATE_DIR="$SB/mise/state" \
		MISE_OFFLINE=1 MISE_YES=1 \
		"$@"
}

# hot_path proves that neither `tote run` nor the shim loads a plugin when
# the version is installed: the plugin file is moved away (it stays away for
# every figure), both must still run the tool, and strace, when available,
# must show no access to any .wasm file nor to the compiled-plugin cache.
hot_path() {
	log "hot path: plugin file removed; tote run, the shim, list and status must still work"
	local have_strace=
	command -v strace >/dev/null && have_strace=1
	if [[ -n $have_strace ]]; then
		# Control: a command that needs the plugin does open it, so the
		# check below can see a plugin load.
		(cd "$SB/home/proj" && mise_env strace -f -qq -e trace=%file -o "$OUT/strace.log" "$OUT/tote" versions demo >/dev/null 2>&1 || true)
		grep -q 'demo\.wasm' "$OUT/strace.log" || { echo "strace did not see tote versions open the plugin: the check would prove nothing" >&2; exit 1; }
	fi
	mv "$SB/plugins/demo.wasm" "$SB/plugins/demo.wasm.away"
	local proj=$SB/home/proj
	(cd "$proj" && mise_env "$OUT/tote" run demo -- x && mise_env "$SB/home/.tote/shims/demo" x)
	(cd "$SB/home/proj20" && mise_env "$OUT/tote" list >/dev/null && mise_env "$OUT/tote" status >/dev/null)
	# And the proof is not vacuous: a command that needs the plugin fails.
	if (cd "$proj" && mise_env "$OUT/tote" versions demo >/dev/null 2>&1); then
		echo "tote versions worked without the plugin file: the hot-path check proves nothing" >&2
		exit 1
	fi
	if [[ -n $have_strace ]]; then
		local cmd
		for cmd in "$OUT/tote run demo" "$SB/home/.tote/shims/demo" "$OUT/tote list" "$OUT/tote status"; do
			(cd "$SB/home/proj20" && mise_env strace -f -qq -e trace=%file -o "$OUT/strace.log" $cmd >/dev/null)
			if grep -E '\.wasm|/cache/wasm' "$OUT/strace.log"; then
				echo "$cmd touched a plugin or the wasm cache" >&2
				exit 1
			fi
			echo "strace: $cmd opened no .wasm file and nothing under cache/wasm" >&2
		done
		echo "plugin file removed + strace" >"$OUT/hotpath.kind"
	else
		echo "plugin file removed" >"$OUT/hotpath.kind"
	fi
}

cli() {
	need_hyperfine
	need_mise
	build
	sandbox
	hot_path
	local proj=$SB/home/proj direct=$SB/home/.tote/tools/demo/1.0.0/bin/demo
	# The same programs built without cgo: `net` (imported by
	# internal/config) otherwise makes them dynamically linked, and the
	# dynamic loader and libc start-up are paid on every run. A shim finds
	# its tool by its own name, so the static one is $SB/static/demo.
	mkdir -p "$SB/static"
	CGO_ENABLED=0 go build -o "$SB/static/demo" ./cmd/tote-shim
	CGO_ENABLED=0 go build -o "$SB/static/tote" ./cmd/tote
	file -L "$SB/home/.tote/shims/demo" "$SB/static/demo" 2>/dev/null | sed 's/, BuildID.*//' >"$OUT/linking.txt" || true
	load >"$OUT/load-cli-before.txt"
	log "launchers (load $(cat "$OUT/load-cli-before.txt"))"
	(cd "$proj" && mise_env hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/launch.json" \
		-n direct "$direct" \
		-n tote-shim "$SB/home/.tote/shims/demo" \
		-n "tote run" "$OUT/tote run demo" \
		-n "tote-shim (CGO_ENABLED=0)" "$SB/static/demo" \
		-n "tote run (CGO_ENABLED=0)" "$SB/static/tote run demo" \
		-n mise-shim "$SB/mise/data/shims/node" \
		-n "mise x" "$MISE x -- node")
	log "list and status with 21 tools pinned and installed"
	(cd "$SB/home/proj20" && mise_env hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/query.json" \
		-n "tote-shim (21 pins)" "$SB/home/.tote/shims/demo" \
		-n "tote list" "$OUT/tote list" \
		-n "tote status" "$OUT/tote status")
	log "where the time goes: process start-up floors, and what tote run spawns"
	go build -o "$OUT/noop-go" ./bench/noop
	local extra=()
	# tote run asks ldd which C library this is (host/runtime.detectLibc).
	command -v ldd >/dev/null && extra=(-n "ldd --version" "ldd --version")
	(cd "$proj" && mise_env hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/breakdown.json" \
		-n "tool binary (direct)" "$direct" \
		-n "Go noop" "$OUT/noop-go" \
		-n "tote --version" "$OUT/tote --version" \
		"${extra[@]}")
	(cd "$proj" && for _ in 1 2 3 4 5; do mise_env env GODEBUG=inittrace=1 "$SB/home/.tote/shims/demo"; done) 2>"$OUT/shim-inittrace.txt"
	load >"$OUT/load-cli-after.txt"
	mv "$SB/plugins/demo.wasm.away" "$SB/plugins/demo.wasm"
}

runtime() {
	load >"$OUT/load-runtime-before.txt"
	log "runtime benchmarks (load $(cat "$OUT/load-runtime-before.txt"))"
	go test -run '^$' -bench . -benchtime 20x -count 3 ./host/runtime/ | tee "$OUT/runtime-20x.txt"
	go test -run '^$' -bench 'CallJSON' -benchtime 2000x -count 3 ./host/runtime/ | tee "$OUT/runtime-2000x.txt"
	load >"$OUT/load-runtime-after.txt"
}

# compare_shim REV times the shim built from git revision REV against the
# current one, in one hyperfine run (the sandbox of a previous `cli` run is
# reused, or built). A shim finds its tool by its own name, so the old one is
# placed as $SB/rev/demo.
compare_shim() {
	local rev=$1
	need_hyperfine
	SB=$OUT/sandbox
	if [[ ! -x $SB/home/.tote/shims/demo ]]; then
		need_mise
		build
		sandbox
	fi
	log "building tote-shim at $rev"
	# The old tree goes outside the repository, so no tool walking it sees
	# a second copy of the sources.
	local src
	src=$(mktemp -d)
	mkdir -p "$SB/rev"
	git archive "$rev" | tar -x -C "$src"
	(cd "$src" && go build -o "$SB/rev/demo" ./cmd/tote-shim)
	rm -rf "$src"
	go build -o "$OUT/tote-shim" ./cmd/tote-shim
	rm -f "$SB/home/.tote/shims/demo" && cp "$OUT/tote-shim" "$SB/home/.tote/shims/demo"
	load >"$OUT/load-compare.txt"
	log "shim at $rev vs now (load $(cat "$OUT/load-compare.txt"))"
	(cd "$SB/home/proj" && mise_env hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/compare-shim.json" \
		-n direct "$SB/home/.tote/tools/demo/1.0.0/bin/demo" \
		-n "tote-shim at $rev" "$SB/rev/demo" \
		-n "tote-shim now" "$SB/home/.tote/shims/demo")
	load >>"$OUT/load-compare.txt"
}

# activate measures a tool run in an activated shell — found on the PATH
# that `tote activate` sets (here through `tote env`, the same code), with
# no tote process — against direct exec and the shim. The three are
# interleaved: ROUNDS hyperfine runs of all three, each of RUNS/ROUNDS
# runs, so a load change on this shared machine hits them alike; the
# figure is the median of the rounds' medians. Then what the prompt hook
# costs: per prompt when nothing changed (builtin tests only), and when the
# directory changed (one `tote hook-env`).
activate() {
	need_hyperfine
	SB=$OUT/sandbox
	if [[ ! -x $SB/home/.tote/shims/demo ]]; then
		need_mise
		build
		sandbox
	fi
	go build -o "$OUT/tote" ./cmd/tote
	local proj=$SB/home/proj activated rounds=${ROUNDS:-10} r
	activated=$(cd "$proj" && mise_env sh -c 'eval "$("$0" env)"; printf %s "$PATH"' "$OUT/tote")
	load >"$OUT/load-activate.txt"
	log "tool through activation vs direct vs shim, $rounds interleaved rounds (load $(cat "$OUT/load-activate.txt"))"
	rm -f "$OUT"/activate-round-*.csv
	for ((r = 1; r <= rounds; r++)); do
		(cd "$proj" && mise_env env PATH="$activated" hyperfine -N --warmup 5 --runs $((RUNS / rounds)) --style none \
			--export-csv "$OUT/activate-round-$r.csv" \
			-n direct "$SB/home/.tote/tools/demo/1.0.0/bin/demo" \
			-n activated demo \
			-n tote-shim "$SB/home/.tote/shims/demo") >/dev/null
	done
	# median (ms) over the rounds of each command's median
	for name in direct activated tote-shim; do
		awk -F, -v n="$name" '$1 == n { print $4 * 1000 }' "$OUT"/activate-round-*.csv | sort -g |
			awk -v n="$name" '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s %.3f\n", n, m }'
	done | tee "$OUT/activate-medians.txt"
	log "the prompt hook: 1000 prompts with nothing changed vs 1000 empty prompts; one cd"
	(cd "$proj" && mise_env hyperfine -N --warmup 3 --runs 20 --export-json "$OUT/activate-hook.json" \
		-n "1000 prompts, no hook" "bash --norc --noprofile -c 'f() { :; }; for i in {1..1000}; do f; done'" \
		-n "1000 prompts, tote hook" "bash --norc --noprofile -c 'eval \"\$($OUT/tote activate bash)\"; for i in {1..1000}; do _tote_hook; done'" \
		-n "tote hook-env (a cd)" "$OUT/tote hook-env bash --pid 1")
	load >>"$OUT/load-activate.txt"
}

# lockfile_check REV measures what the lockfile check costs the shim: the
# shim built at REV (before the check) and the current one in proj (which
# has a .prototools.lock), and the current one in a copy of proj without
# the lockfile, interleaved by bench/ab; then the shim's fast path in
# process (allocations are exact whatever the load).
lockfile_check() {
	local rev=$1
	compare_shim "$rev" >/dev/null
	local home=$SB/home
	mkdir -p "$home/projnolock" && cp "$home/proj/.prototools" "$home/projnolock/"
	load >"$OUT/load-lockfile.txt"
	log "lockfile check, interleaved (load $(cat "$OUT/load-lockfile.txt"))"
	go build -o "$OUT/ab" ./bench/ab
	(cd "$home" && mise_env "$OUT/ab" -n "${RUNS}" \
		"direct=proj:$home/.tote/tools/demo/1.0.0/bin/demo" \
		"shim at $rev (proj)=proj:$SB/rev/demo" \
		"shim now (proj, lockfile)=proj:$home/.tote/shims/demo" \
		"shim now (no lockfile)=projnolock:$home/.tote/shims/demo" \
		"tote run (proj, lockfile)=proj:$OUT/tote run demo" \
		"tote run (no lockfile)=projnolock:$OUT/tote run demo") | tee "$OUT/lockfile-ab.txt"
	go test -run '^$' -bench ShimFastPath -benchmem -count 6 ./cmd/tote-shim | tee "$OUT/lockfile-fastpath.txt"
	load >>"$OUT/load-lockfile.txt"
}

# compare_run REV times `tote run demo` built at git revision REV against
# the current one, beside direct exec and the shim, in one hyperfine run
# (then alternately, A B C D …, with bench/ab, so that a load change on
# this shared machine hits every command alike); and the same four built
# as releases are (docs/releases.md: CGO_ENABLED=0, -trimpath, -s -w).
# `tote --version` at REV and now shows the start-up every other command
# still pays. The sandbox of a previous run is reused, or built.
compare_run() {
	local rev=$1
	need_hyperfine
	SB=$OUT/sandbox
	if [[ ! -x $SB/home/.tote/shims/demo ]]; then
		build
		tote_sandbox
	fi
	log "building tote at $rev and now, default and release builds"
	local src rel=(env CGO_ENABLED=0 go build -trimpath -ldflags "-s -w")
	src=$(mktemp -d)
	mkdir -p "$SB/rev" "$SB/release"
	git archive "$rev" | tar -x -C "$src"
	(cd "$src" && go build -o "$SB/rev/tote" ./cmd/tote && "${rel[@]}" -o "$SB/release/tote-rev" ./cmd/tote)
	rm -rf "$src"
	go build -o "$OUT/tote" ./cmd/tote
	"${rel[@]}" -o "$SB/release/tote" ./cmd/tote
	# a shim finds its tool by its own name
	"${rel[@]}" -o "$SB/release/demo" ./cmd/tote-shim
	# Where what is left goes: tote exiting in its first package
	# initialisation (the binary's own start-up: exec, runtime, page
	# faults), and exiting where fastrun would start (plus the packages Go
	# initialises before it), both built from the current tree with
	# cmd/tote/internal/early replaced.
	src=$(mktemp -d)
	git ls-files -z | xargs -0 tar -c | tar -x -C "$src"
	printf 'package early\n\nimport "os"\n\nfunc init() { os.Exit(0) }\n' >"$src/cmd/tote/internal/early/early.go"
	(cd "$src" && go build -o "$SB/rev/tote-exit-first" ./cmd/tote)
	printf 'package early\n\nimport (\n\t"os"\n\n\t"github.com/tote-dev/tote/internal/launch/fastrun"\n)\n\nvar _ = fastrun.Try\n\nfunc init() { os.Exit(0) }\n' >"$src/cmd/tote/internal/early/early.go"
	(cd "$src" && go build -o "$SB/rev/tote-exit-at-fastrun" ./cmd/tote)
	rm -rf "$src"
	local proj=$SB/home/proj direct=$SB/home/.tote/tools/demo/1.0.0/bin/demo
	# the plugin stays away: the runs below must not need it
	[[ -f $SB/plugins/demo.wasm ]] && mv "$SB/plugins/demo.wasm" "$SB/plugins/demo.wasm.away"
	(cd "$proj" && mise_env "$SB/rev/tote" run demo && mise_env "$OUT/tote" run demo && mise_env "$SB/release/demo")
	load >"$OUT/load-run.txt"
	log "tote run at $rev vs now (load $(cat "$OUT/load-run.txt"))"
	(cd "$proj" && mise_env hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/compare-run.json" \
		-n direct "$direct" \
		-n tote-shim "$SB/home/.tote/shims/demo" \
		-n "tote run at $rev" "$SB/rev/tote run demo" \
		-n "tote run now" "$OUT/tote run demo" \
		-n "tote --version at $rev" "$SB/rev/tote --version" \
		-n "tote --version now" "$OUT/tote --version" \
		-n "tote-shim (release build)" "$SB/release/demo" \
		-n "tote run at $rev (release build)" "$SB/release/tote-rev run demo" \
		-n "tote run now (release build)" "$SB/release/tote run demo")
	load >>"$OUT/load-run.txt"
	log "the same, alternately (bench/ab)"
	go build -o "$OUT/ab" ./bench/ab
	(cd "$SB/home" && mise_env "$OUT/ab" -n "$RUNS" -warmup "$WARMUP" \
		"direct=proj:$direct" \
		"tote-shim=proj:$SB/home/.tote/shims/demo" \
		"tote run at $rev=proj:$SB/rev/tote run demo" \
		"tote run now=proj:$OUT/tote run demo" \
		"tote exiting in its first init=proj:$SB/rev/tote-exit-first run demo" \
		"tote exiting at fastrun's init=proj:$SB/rev/tote-exit-at-fastrun run demo" \
		"tote-shim (release build)=proj:$SB/release/demo" \
		"tote run at $rev (release build)=proj:$SB/release/tote-rev run demo" \
		"tote run now (release build)=proj:$SB/release/tote run demo") | tee "$OUT/compare-run-ab.txt"
	load >>"$OUT/load-run.txt"
	mv "$SB/plugins/demo.wasm.away" "$SB/plugins/demo.wasm"
}

case $WHAT in
activate) activate; exit 0 ;;
all) cli; runtime ;;
cli) cli ;;
runtime) runtime ;;
compare) compare_shim "${2:?usage: bash bench/run.sh compare GIT-REV}"; exit 0 ;;
lockfile) lockfile_check "${2:?usage: bash bench/run.sh lockfile GIT-REV}"; exit 0 ;;
run) compare_run "${2:?usage: bash bench/run.sh run GIT-REV}"; exit 0 ;;
*) echo "usage: bash bench/run.sh [all|cli|runtime|activate|compare GIT-REV|lockfile GIT-REV|run GIT-REV]" >&2; exit 2 ;;
esac

log "report"
go run ./bench/report -out "$OUT" | tee "$OUT/summary.md"
