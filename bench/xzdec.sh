#!/usr/bin/env bash
# xz decoders against `xz -d`: the archive of bench/install.sh (run it once
# first, or give another .xz), decoded ROUNDS times by each, interleaved;
# prints each run's wall and user+system CPU seconds (GNU time) and checks
# that every decoder gives the same bytes.
# Usage: bash bench/xzdec.sh [FILE.xz] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-bench/out/_install-archives/big-1.0.0.tar.xz}"
rounds="${2:-5}"
out=bench/out/xzdec
mkdir -p "$out"
go build -o "$out/xzdec" ./bench/xzdec
want=$(xz -dc "$file" | sha256sum | cut -d' ' -f1)
for d in ulikunitz therootcompany; do
	got=$("$out/xzdec" "$d" "$file" | cut -d' ' -f2)
	[ "$got" = "$want" ] || { echo "$d decodes $file to other bytes" >&2; exit 1; }
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= rounds; r++)); do
	/usr/bin/time -f "xz-d %e %U %S" sh -c "xz -dc -T1 $file >/dev/null" 2>&1
	/usr/bin/time -f "ulikunitz %e %U %S" "$out/xzdec" ulikunitz "$file" 2>&1 >/dev/null
	/usr/bin/time -f "therootcompany %e %U %S" "$out/xzdec" therootcompany "$file" 2>&1 >/dev/null
done | tee "$out/runs.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for d in xz-d ulikunitz therootcompany; do
	awk -v d="$d" '$1 == d { print $3 + $4 }' "$out/runs.txt" | sort -g |
		awk -v d="$d" '{ v[NR] = $1 } END { printf "%-15s median CPU %.2f s (n=%d)\n", d, (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, NR }'
done | tee "$out/medians.txt"
