#!/bin/sh
# A stand-in for rustup-init/rustup with the real one's file layout (it
# downloads nothing). HOST is set when the mirror writes it.
HOST=@HOST@
STABLE=1.83.0
set -e
name=$(basename "$0")
case "$name" in
rustup-init*)
	yes=; profile=default; deftc=stable
	while [ $# -gt 0 ]; do
		case "$1" in
		-y) yes=1 ;;
		--no-modify-path) ;;
		--default-toolchain) shift; deftc=$1 ;;
		--profile) shift; profile=$1 ;;
		--default-host) shift; [ "$1" = "$HOST" ] || { echo "error: this rustup-init is for $HOST, not $1" >&2; exit 1; } ;;
		*) echo "error: unexpected argument '$1'" >&2; exit 1 ;;
		esac
		shift
	done
	[ -n "$yes" ] || { echo "error: Unable to run interactively. Run with -y to accept defaults" >&2; exit 1; }
	: "${RUSTUP_HOME:?}" "${CARGO_HOME:?}"
	mkdir -p "$CARGO_HOME/bin" "$RUSTUP_HOME/toolchains" "$RUSTUP_HOME/update-hashes" "$RUSTUP_HOME/downloads" "$RUSTUP_HOME/tmp"
	cp "$0" "$CARGO_HOME/bin/rustup"
	chmod 755 "$CARGO_HOME/bin/rustup"
	for p in cargo rustc rustdoc rust-gdb rust-lldb cargo-fmt rustfmt cargo-clippy clippy-driver; do
		ln -f "$CARGO_HOME/bin/rustup" "$CARGO_HOME/bin/$p"
	done
	printf 'version = "12"\nprofile = "%s"\n' "$profile" > "$RUSTUP_HOME/settings.toml"
	printf 'info: default host triple is %s\ninfo: skipping toolchain installation\n\nRust is installed now. Great!\n' "$HOST" >&2
	[ "$deftc" = none ] || "$CARGO_HOME/bin/rustup" toolchain install "$deftc"
	exit 0
	;;
rustup)
	: "${RUSTUP_HOME:?RUSTUP_HOME is not set}"
	case "$1 $2" in
	"toolchain install")
		tc=$3
		case "$tc" in *-$HOST) ;; *) tc=$tc-$HOST ;; esac
		ch=${tc%-$HOST}
		case "$ch" in
		stable) ver=$STABLE ;;
		beta) ver=1.84.0-beta.3 ;;
		nightly*) ver=1.85.0-nightly ;;
		[0-9]*) ver=$ch ;;
		*) echo "error: invalid toolchain name: '$3'" >&2; exit 1 ;;
		esac
		d=$RUSTUP_HOME/toolchains/$tc
		mkdir -p "$d/bin" "$d/lib/rustlib/$HOST/lib"
		for t in rustc cargo rustdoc; do
			printf '#!/bin/sh\nif [ "$1" = --version ] || [ "$1" = -V ]; then echo "%s %s (fake %s)"; exit 0; fi\n' "$t" "$ver" "$ch" > "$d/bin/$t"
			chmod 755 "$d/bin/$t"
		done
		printf '#!/bin/sh\nif [ "$1" = --version ] || [ "$1" = -V ]; then echo "cargo %s (fake %s)"; exit 0; fi\necho "cargo %s: $*; with $(rustc --version)"\n' "$ver" "$ch" "$ver" > "$d/bin/cargo"
		printf 'rustc-%s\ncargo-%s\nrust-std-%s\n' "$HOST" "$HOST" "$HOST" > "$d/lib/rustlib/components"
		printf '[pkg.rust]\nversion = "%s"\n' "$ver" > "$d/lib/rustlib/multirust-channel-manifest.toml"
		echo "$tc installed - rustc $ver" >&2
		;;
	"toolchain list")
		ls "$RUSTUP_HOME/toolchains"
		;;
	"toolchain uninstall")
		rm -rf "$RUSTUP_HOME/toolchains/$3-$HOST" "$RUSTUP_HOME/toolchains/$3"
		;;
	"show active-toolchain")
		echo "${RUSTUP_TOOLCHAIN:?no active toolchain} (environment override by RUSTUP_TOOLCHAIN)"
		;;
	"component add")
		echo "$3-$HOST" >> "$RUSTUP_HOME/toolchains/${RUSTUP_TOOLCHAIN:?}/lib/rustlib/components"
		echo "info: component '$3' for target '$HOST' is up to date" >&2
		;;
	"--version "*) echo "rustup 1.27.1 (fake)" ;;
	*) echo "error: unrecognized subcommand '$1'" >&2; exit 1 ;;
	esac
	;;
*)
	exec "$RUSTUP_HOME/toolchains/${RUSTUP_TOOLCHAIN:?}/bin/$name" "$@"
	;;
esac
