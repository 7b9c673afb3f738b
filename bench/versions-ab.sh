#!/usr/bin/env bash
# `tote versions node` answered from a fresh cached version list, native
# built-in vs its WASM build, with tote built at git REV and now, measured
# interleaved (bench/ab: A B C D A B C D …) so the load of a shared machine
# affects all four alike. Also --refresh (the plugin parses the 820-release
# index again) native vs WASM, and WASM at REV, interleaved.
# Usage: bash bench/versions-ab.sh REV [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:?usage: bash bench/versions-ab.sh GIT-REV [RUNS]}"
runs="${2:-100}"
out="$PWD/bench/out/versions-ab"
rm -rf "$out"
mkdir -p "$out/old-src"
go build -o "$out/tote" ./cmd/tote
go build -o "$out/ab" ./bench/ab
go build -o "$out/mirror-server" ./bench/mirror
git archive "$rev" | tar -x -C "$out/old-src"
(cd "$out/old-src" && go build -o "$out/tote-old" ./cmd/tote)

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
for kind in native wasm; do
	# fills the version-list cache, the plugin metadata and the compiled code
	HOME="$out/$kind" TOTE_HOME="$out/$kind/.tote" "$out/tote" versions node --json >"$out/$kind.json"
done
cmp "$out/native.json" "$out/wasm.json" || { echo "native and WASM answers differ" >&2; exit 1; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# The old and new binaries differ, so the built-ins' digest (of tote's own
# executable) differs too: each binary gets its own copy of the homes, and
# the warm-up rounds refresh their caches.
for b in old new; do
	for kind in native wasm; do
		cp -a "$out/$kind" "$out/$b-$kind"
	done
done
bin() { [ "$1" = old ] && echo "$out/tote-old" || echo "$out/tote"; }
args=()
for b in old new; do
	for kind in native wasm; do
		args+=("$b $kind cached=$out/$b-$kind:env HOME=$out/$b-$kind TOTE_HOME=$out/$b-$kind/.tote $(bin $b) versions node")
	done
done
"$out/ab" -n "$runs" "${args[@]}" | tee "$out/cached.txt"
echo "load after cached: $(cut -d' ' -f1-3 /proc/loadavg)"
"$out/ab" -n "$((runs / 4 > 10 ? runs / 4 : 10))" \
	"native refresh=$out/new-native:env HOME=$out/new-native TOTE_HOME=$out/new-native/.tote $out/tote versions node --refresh" \
	"wasm refresh=$out/new-wasm:env HOME=$out/new-wasm TOTE_HOME=$out/new-wasm/.tote $out/tote versions node --refresh" \
	"wasm refresh at $rev=$out/old-wasm:env HOME=$out/old-wasm TOTE_HOME=$out/old-wasm/.tote $out/tote-old versions node --refresh" | tee "$out/refresh.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
