#!/usr/bin/env bash
# What trust checks cost the shim and `tote run` (issue 11 item 5), in one
# hyperfine run per group: the shim and tote run built at REV (default: the
# commit before trust landed) against the current ones, in a project that
# only pins (no trust check is made: the record is never read), and the
# current ones in projects whose .prototools sets [env] (a trust-only
# setting): trusted with `tote trust` (the record is read and the settings'
# digest compared), listed in TOTE_TRUSTED_PATHS, and untrusted (the
# variable is dropped and a warning printed).
# Usage: bash bench/trust.sh [REV] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:-51af869}"
runs="${2:-300}"
out="$PWD/bench/out/trust"
rm -rf "$out"
mkdir -p "$out/rev"
go build -o "$out/tote" ./cmd/tote
go build -o "$out/tote-shim" ./cmd/tote-shim
printf 'int main(void) { return 0; }\n' >"$out/noop.c"
gcc -O2 -static -o "$out/noop" "$out/noop.c" 2>/dev/null || go build -o "$out/noop" ./bench/noop
go run ./bench/setup -dir "$out/sb" -tote "$out/tote" -exe "$out/noop" -tools 0 >/dev/null
src=$(mktemp -d)
git archive "$rev" | tar -x -C "$src"
(cd "$src" && go build -o "$out/rev/demo" ./cmd/tote-shim && go build -o "$out/rev/tote" ./cmd/tote)
rm -rf "$src"
sb=$out/sb
shim=$sb/home/.tote/shims/demo
for p in trusted envpath untrusted; do
	mkdir -p "$sb/home/$p"
	printf 'demo = "1.0"\n\n[env]\nBENCH = "1"\n' >"$sb/home/$p/.prototools"
done
e() { env HOME="$sb/home" TOTE_HOME="$sb/home/.tote" TOTE_LOG=warn "$@"; }
(cd "$sb/home/trusted" && e "$out/tote" trust >/dev/null 2>&1)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$sb/home/proj"
e hyperfine -N --warmup 20 --runs "$runs" --export-json "$out/pins.json" \
	-n direct "$sb/home/.tote/tools/demo/1.0.0/bin/demo" \
	-n "shim at $rev" "$out/rev/demo" \
	-n "shim now" "$shim" \
	-n "tote run at $rev" "$out/rev/tote run demo" \
	-n "tote run now" "$out/tote run demo"
cd "$sb/home"
e hyperfine -N --warmup 20 --runs "$runs" --export-json "$out/env.json" \
	-n "shim, pins only" "sh -c 'cd proj && exec $shim'" \
	-n "shim, [env], tote trust" "sh -c 'cd trusted && exec $shim'" \
	-n "shim, [env], TOTE_TRUSTED_PATHS" "sh -c 'cd envpath && TOTE_TRUSTED_PATHS=$sb/home/envpath exec $shim'" \
	-n "shim, [env], untrusted (warns)" "sh -c 'cd untrusted && exec $shim 2>/dev/null'"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
