#!/usr/bin/env bash
# Install throughput (issue 18): `tote install` of one archive in four
# formats (.tar.gz, .tar.xz, .tar.zst, .zip; a source tree of ~73 MB, see
# below) from 127.0.0.1, against the shell's ways of doing the same:
#
#   tote REV   tote built at git REV (before the change being measured)
#   tote now   tote built from the work tree
#   curl|tar   curl piped into tar (funzip cannot stream a zip: curl -o, unzip)
#   curl;sha;tar  curl -o, sha256sum -c, then tar/unzip
#
# Every run starts from nothing (no installed tool, no download cache).
# The commands run interleaved, round after round (A B C D A B C D …), so a
# load change on this shared machine hits them alike; the figure is the
# median over the rounds, with the peak RSS (GNU time's %M) and the CPU
# time. With RATE (e.g. RATE=20MB) the server sends each response at that
# speed, to show download and unpack overlapping.
#
# Usage: bash bench/install.sh REV [ROUNDS]     (RATE=20MB FORMATS="gz xz" …)
# Results: bench/out/_install/runs.txt (every run), medians.txt (the
# leading _ keeps the unpacked Go sources out of go build ./...).
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:?usage: bash bench/install.sh GIT-REV [ROUNDS]}"
rounds="${2:-3}"
formats="${FORMATS:-gz xz zst zip}"
out="$PWD/bench/out/_install"
arch="$PWD/bench/out/_install-archives"
mkdir -p "$out" "$arch"
rm -rf "$out"/home-* "$out"/untar "$out"/runs.txt "$out"/old-src
go build -o "$out/tote" ./cmd/tote
go build -o "$out/serve" ./bench/serve
mkdir -p "$out/old-src"
git archive "$rev" | tar -x -C "$out/old-src"
(cd "$out/old-src" && go build -o "$out/tote-old" ./cmd/tote)

# The archive: big-1.0.0/ holding bin/big (a script) and Go's src/cmd,
# src/net and src/crypto (72.6 MB of tar), compressed once and kept.
if [ ! -s "$arch/big-1.0.0.zip" ]; then
	rm -rf "$arch/src"
	mkdir -p "$arch/src/big-1.0.0/bin"
	printf '#!/bin/sh\necho big "$@"\n' >"$arch/src/big-1.0.0/bin/big"
	chmod 755 "$arch/src/big-1.0.0/bin/big"
	tar -cf - -C "$(go env GOROOT)" src/cmd src/net src/crypto | tar -xf - -C "$arch/src/big-1.0.0"
	(cd "$arch/src" && tar -cf ../big-1.0.0.tar big-1.0.0)
	gzip -6 -c "$arch/big-1.0.0.tar" >"$arch/big-1.0.0.tar.gz"
	zstd -q -3 -c "$arch/big-1.0.0.tar" >"$arch/big-1.0.0.tar.zst"
	xz -6 -T2 -c "$arch/big-1.0.0.tar" >"$arch/big-1.0.0.tar.xz"
	(cd "$arch/src" && zip -qr -6 ../big-1.0.0.zip big-1.0.0)
	(cd "$arch" && sha256sum big-1.0.0.tar.* big-1.0.0.zip >SHASUMS256.txt)
	rm -rf "$arch/src"
fi

"$out/serve" -dir "$arch" -rate "${RATE:-0}" >"$out/url" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/url" ] && break; sleep 0.1; done
url=$(cat "$out/url")

ext() { case $1 in zip) echo zip ;; *) echo "tar.$1" ;; esac; }
for b in old now; do
	h="$out/home-$b"
	mkdir -p "$h/plugins"
	{
		echo "[plugins]"
		for f in $formats; do echo "big-$f = \"file://$h/plugins/big-$f.toml\""; done
		printf '\n[settings.url-rewrites]\n"^https://big\\\\.example/" = "%s/"\n' "$url"
	} >"$h/.prototools"
	for f in $formats; do
		cat >"$h/plugins/big-$f.toml" <<TOML
name = "big-$f"
type = "cli"

[platform.linux]
download-file = "big-{version}.$(ext "$f")"
checksum-file = "SHASUMS256.txt"
archive-prefix = "big-{version}"
exe-path = "bin/big"

[install]
download-url = "https://big.example/{download_file}"
checksum-url = "https://big.example/{checksum_file}"

[resolve]
versions = ["1.0.0"]
TOML
	done
done

tote_cmd() { # old|now format
	local bin="$out/tote"
	[ "$1" = old ] && bin="$out/tote-old"
	echo "env HOME=$out/home-$1 TOTE_HOME=$out/home-$1 $bin install big-$2 1.0.0 --quiet"
}
clean() { rm -rf "$out/home-$1/tools" "$out/home-$1/cache/downloads" "$out/home-$1/temp" "$out/home-$1/bin" "$out/home-$1/shims" "$out/untar" "$out/dl"; }
pipe_cmd() {
	local f=$1 u="$url/big-1.0.0.$(ext "$1")"
	case $f in
	zip) echo "sh -c 'mkdir -p $out/untar $out/dl && curl -sfo $out/dl/a.zip $u && unzip -q $out/dl/a.zip -d $out/untar'" ;;
	*) echo "sh -c 'mkdir -p $out/untar && curl -sf $u | tar -x$(tarflag "$f") -C $out/untar'" ;;
	esac
}
tarflag() { case $1 in gz) echo z ;; xz) echo J ;; zst) echo " --zstd" ;; esac; }
sum_cmd() {
	local f=$1 n="big-1.0.0.$(ext "$1")"
	local x="tar -x$(tarflag "$f") -f $n -C $out/untar"
	[ "$f" = zip ] && x="unzip -q $n -d $out/untar"
	echo "sh -c 'mkdir -p $out/untar $out/dl && cd $out/dl && curl -sfo $n $url/$n && curl -sf $url/SHASUMS256.txt | grep \" $n\$\" | sha256sum -c --quiet && $x'"
}

# Both tote binaries must really install from the server.
for b in old now; do
	for f in $formats; do
		clean "$b"
		eval "$(tote_cmd "$b" "$f" | sed 's/ --quiet$//')" 2>&1 | grep -q "installed big-$f 1.0.0" ||
			{ echo "tote $b did not install big-$f" >&2; exit 1; }
		[ -x "$out/home-$b/tools/big-$f/1.0.0/bin/big" ] || { echo "tote $b: no bin/big for big-$f" >&2; exit 1; }
	done
done

run() { # name format command…
	local name=$1 f=$2
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$out/time" sh -c "$*" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
	echo "$f $name $(cat "$out/time")" >>"$out/runs.txt"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); rate ${RATE:-unthrottled}" | tee "$out/load.txt"
for ((r = 1; r <= rounds; r++)); do
	for f in $formats; do
		clean old; run "tote-$rev" "$f" "$(tote_cmd old "$f")"
		clean now; run "tote-now" "$f" "$(tote_cmd now "$f")"
		rm -rf "$out/untar" "$out/dl"; run "curl|tar" "$f" "$(pipe_cmd "$f")"
		rm -rf "$out/untar" "$out/dl"; run "curl;sha;tar" "$f" "$(sum_cmd "$f")"
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"

# per format and command: median wall, median CPU (user+sys), max peak RSS
median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
summary() {
	for f in $formats; do
		echo "== $(ext "$f"): $(stat -c %s "$arch/big-1.0.0.$(ext "$f")") bytes"
		for name in "tote-$rev" tote-now "curl|tar" "curl;sha;tar"; do
			sel() { awk -v f="$f" -v n="$name" "\$1 == f && \$2 == n { print $1 }" "$out/runs.txt"; }
			printf "%-14s wall %6s s  cpu %6s s  peak RSS %6s MB  (n=%s)\n" "$name" \
				"$(sel '$3' | median)" "$(sel '$4 + $5' | median)" \
				"$(sel '$6 / 1024' | sort -g | tail -1 | xargs printf %.1f)" "$(sel 1 | wc -l)"
		done
	done
}
summary | tee "$out/medians.txt"
