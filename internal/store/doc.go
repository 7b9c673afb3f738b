// Package store owns the layout of $TOTE_HOME and the rules for changing it
// safely while other tote processes run.
//
// The layout is:
//
//	$TOTE_HOME/
//	  tools/<id>/<version>/     an installed tool version (appears only when complete)
//	  tools/<id>/manifest.json  what is installed for <id> (see [Manifest])
//	  bin/                      links to primary executables
//	  shims/                    shims
//	  plugins/                  downloaded plugin cache
//	  extensions/<id>/          extension data directories
//	  cache/wasm, cache/versions, cache/http
//	  temp/                     staging directories, downloads and temp/locks/
//
// Every write is atomic: files go through [WriteFileAtomic] (temp file, fsync,
// rename) and tool versions are unpacked into a staging directory from
// [Store.InstallStaging] and moved into place by [Commit]. Concurrent
// processes serialise on cross-process file locks ([Store.LockTool],
// [Store.LockManifest]), so no process ever sees a half-installed tool or a
// half-written manifest.
package store
