#!/usr/bin/env bash
# First use of a third-party Go plugin: `tote versions rg` with the ripgrep
# example plugin (examples/ripgrep, built with the standard Go toolchain for
# wasip1), answered from a 127.0.0.1 mirror of GitHub's list-releases API
# (bench/ghreleases: RELEASES releases in GitHub's shape, 45 = 2 MB, as
# ripgrep's page is). tote built at git REV and now, run interleaved
# (bench/ab), in three states:
#   cold    nothing compiled, no cached list: a plugin just declared by
#           editing .prototools (the cache is emptied before every run)
#   added   the plugin compiled (as `tote plugin add` or `tote install`
#           leave it), no cached list: the plugin loads and lists versions
#   cached  the cached version list answers; the plugin is not loaded
# Usage: bash bench/coldstart.sh REV [RUNS]     (RELEASES=3 for a short list)
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:?usage: bash bench/coldstart.sh GIT-REV [RUNS]}"
runs="${2:-10}"
releases="${RELEASES:-45}"
out="$PWD/bench/out/coldstart"
rm -rf "$out"
mkdir -p "$out/old-src" "$out/srv"
go build -o "$out/tote" ./cmd/tote
go build -o "$out/ab" ./bench/ab
go build -o "$out/serve" ./bench/serve
git archive "$rev" | tar -x -C "$out/old-src"
(cd "$out/old-src" && go build -o "$out/tote-old" ./cmd/tote)
(cd examples/ripgrep && GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o "$out/rg.wasm" .)
go run ./bench/ghreleases -releases "$releases" -o "$out/srv/repos/BurntSushi/ripgrep/releases"

"$out/serve" -dir "$out/srv" >"$out/serve.url" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/serve.url" ] && break; sleep 0.1; done

bin() { [ "$1" = old ] && echo "$out/tote-old" || echo "$out/tote"; }
for b in old new; do
	mkdir -p "$out/$b/.tote"
	# The user's own file: a project's [plugins] would need `tote trust`.
	printf '[plugins]\nrg = "file://%s"\n\n[settings.url-rewrites]\n"https://api.github.com" = "%s"\n' \
		"$out/rg.wasm" "$(cat "$out/serve.url")" >"$out/$b/.tote/.prototools"
	HOME="$out/$b" TOTE_HOME="$out/$b/.tote" "$(bin $b)" versions rg >"$out/$b.txt"
done
cmp "$out/old.txt" "$out/new.txt"
echo "$(wc -l <"$out/new.txt") versions from $(wc -c <"$out/srv/repos/BurntSushi/ripgrep/releases") bytes of releases; rg.wasm $(wc -c <"$out/rg.wasm") bytes"

args() {
	for b in old new; do
		echo "$b $1=$out/$b:env HOME=$out/$b TOTE_HOME=$out/$b/.tote $(bin $b) versions rg"
	done
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
mapfile -t a < <(args cold)
"$out/ab" -n "$runs" -warmup 1 -prepare 'rm -rf .tote/cache' "${a[@]}" | tee "$out/cold.txt"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
mapfile -t a < <(args added)
for b in old new; do HOME="$out/$b" TOTE_HOME="$out/$b/.tote" "$(bin $b)" versions rg >/dev/null; done
"$out/ab" -n "$runs" -warmup 2 -prepare 'rm -rf .tote/cache/versions .tote/cache/meta' "${a[@]}" | tee "$out/added.txt"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
mapfile -t a < <(args cached)
"$out/ab" -n "$((runs * 5))" "${a[@]}" | tee "$out/cached.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
