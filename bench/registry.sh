#!/usr/bin/env bash
# Registry-pull throughput (issue 17): installing one full-size Go archive
# (the running toolchain's bin/ and pkg/tool/, gzip, ~30 MB; see
# bench/registry/main.go) from a lockfile, four ways, on 127.0.0.1:
#
#   registry  tote install, TOTE_MIRRORS=registry://… and mirror-only: the
#             archive pulled by digest from docker-registry, verified,
#             unpacked (no upstream request at all)
#   upstream  tote install from the upstream HTTP mirror (url-rewrites):
#             Go's release index, then the archive, verified, unpacked
#   curl|tar  curl the same archive from the upstream mirror, piped to tar
#   blob|tar  curl the same bytes from the registry's blob URL, piped to tar
#
# Every run starts from nothing: the prepare step removes the installed
# tool, the download cache and the staging directory. The four commands are
# interleaved: ROUNDS hyperfine runs of all four, RUNS runs each per round,
# so a load change on this shared machine hits them alike; the figure is
# the median of the rounds' medians, and the throughput the archive's size
# divided by it.
#
# Usage: ROUNDS=3 RUNS=2 bash bench/registry.sh   (the defaults; about a minute of runs)
# Results: bench/out/registry/round-*.csv, medians.txt, load.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-2}
out="$PWD/bench/out/registry"
rm -rf "$out"
mkdir -p "$out"
command -v docker-registry >/dev/null || { echo "docker-registry is needed (apt-get install docker-registry)" >&2; exit 1; }
if ! command -v hyperfine >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
go build -o "$out/tote" ./cmd/tote
go build -o "$out/registry-bench" ./bench/registry

"$out/registry-bench" -dir "$out/srv" -prototools "$out/rewrites.toml" >"$out/env.sh" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 600); do grep -q '^ARCHIVE_SIZE=' "$out/env.sh" 2>/dev/null && break; sleep 0.1; done
# shellcheck disable=SC1091
. "$out/env.sh"

# The project and its lockfile, from upstream; then the archive goes to the
# registry (from the download cache, as a runner would push it).
proj="$out/proj"
mkdir -p "$proj" "$out/seed" "$out/reg" "$out/up"
printf 'go = "1.22.1"\n' >"$proj/.prototools"
for h in seed reg up; do cp "$out/rewrites.toml" "$out/$h/.prototools"; done
cd "$proj"
TOTE_HOME="$out/seed" "$out/tote" install --update-lock
TOTE_HOME="$out/seed" "$out/tote" mirror push "registry://$REGISTRY/bench" --lock .prototools.lock
blob="http://$REGISTRY/v2/bench/tools/go/blobs/sha256:$ARCHIVE_SHA256"
curl -sfo /dev/null "$blob" || { echo "the registry does not serve the archive's blob at $blob" >&2; exit 1; }

clean() { echo "rm -rf $out/$1/tools $out/$1/cache/downloads $out/$1/temp $out/$1/bin $out/$1/shims $out/untar"; }
reg_cmd="env TOTE_HOME=$out/reg TOTE_MIRRORS=registry://$REGISTRY/bench TOTE_MIRROR_ONLY=1 $out/tote install --quiet"
up_cmd="env TOTE_HOME=$out/up $out/tote install --quiet"
curl_cmd="sh -c 'mkdir $out/untar && curl -sf $ARCHIVE_URL | tar xz -C $out/untar'"
blob_cmd="sh -c 'mkdir $out/untar && curl -sf $blob | tar xz -C $out/untar'"

# Both tote installs must really do what they are timed for.
eval "$(clean reg)"
${reg_cmd% --quiet} 2>&1 | tee "$out/check-registry.txt" | grep -q "installed go 1.22.1 .*(from registry://" ||
	{ echo "the registry install did not come from the registry:" >&2; cat "$out/check-registry.txt" >&2; exit 1; }
eval "$(clean up)"
${up_cmd% --quiet} 2>&1 | tee "$out/check-upstream.txt" | grep "installed go 1.22.1 " | grep -qv "(from " ||
	{ echo "the upstream install did not come from upstream:" >&2; cat "$out/check-upstream.txt" >&2; exit 1; }

cut -d' ' -f1-3 /proc/loadavg >"$out/load.txt"
echo "archive: $ARCHIVE_SIZE bytes; $ROUNDS rounds of $RUNS runs each (load $(cat "$out/load.txt"))" >&2
for ((r = 1; r <= ROUNDS; r++)); do
	hyperfine --warmup 1 --runs "$RUNS" --style none --export-csv "$out/round-$r.csv" \
		--prepare "$(clean reg)" -n registry "$reg_cmd" \
		--prepare "$(clean up)" -n upstream "$up_cmd" \
		--prepare "rm -rf $out/untar" -n "curl|tar" "$curl_cmd" \
		--prepare "rm -rf $out/untar" -n "blob|tar" "$blob_cmd" >/dev/null
done
cut -d' ' -f1-3 /proc/loadavg >>"$out/load.txt"

# median (s) over the rounds of each command's median; MB/s of the archive
for name in registry upstream 'curl|tar' 'blob|tar'; do
	awk -F, -v n="$name" '$1 == n { print $4 }' "$out"/round-*.csv | sort -g |
		awk -v n="$name" -v size="$ARCHIVE_SIZE" '{ v[NR] = $1 } END {
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%-9s %8.1f ms %7.1f MB/s\n", n, m * 1000, size / m / 1e6 }'
done | tee "$out/medians.txt"
echo "per round (ms): " >&2
for f in "$out"/round-*.csv; do
	awk -F, 'NR > 1 { printf "%s=%.0f ", $1, $4 * 1000 } END { print "" }' "$f"
done | tee "$out/rounds.txt"
