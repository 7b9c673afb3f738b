// Package plugintest tests tote tool plugins from ordinary `go test`: it
// builds the plugin for WebAssembly, loads it into tote's real host inside a
// throw-away sandbox, and drives it through tote's real install pipeline
// (download → verify → unpack → locate → link) against a local HTTP mirror,
// so a plugin's tests run offline and exercise exactly what users run.
//
// A complete test of a tool plugin:
//
//	func TestPlugin(t *testing.T) {
//		wasm := plugintest.Build(t, ".") // once per run, cached by source hash
//
//		mirror := plugintest.NewMirror(t)
//		archive := plugintest.TarGz(t, plugintest.FakeExe("my-tool-1.2.3/bin/my-tool", "my-tool 1.2.3"))
//		mirror.File("https://github.com/me/my-tool/releases/download/v1.2.3/my-tool-linux-x64.tar.gz", archive)
//		mirror.JSON("https://api.github.com/repos/me/my-tool/releases", releases)
//
//		p := plugintest.New(t, wasm, plugintest.Host("linux", "x64"), plugintest.UseMirror(mirror))
//		plugintest.ResolveVersions(t, p, map[string]string{"1.2": "1.2.3"})
//		plugintest.DownloadInstall(t, p, "1.2.3", mirror)
//		plugintest.Executables(t, p, "1.2.3", []string{"my-tool"})
//	}
//
// # The pieces
//
//   - [Build] compiles a plugin directory with GOOS=wasip1 GOARCH=wasm
//     -buildmode=c-shared, like `tote plugin build`, once per source hash,
//     and skips the test with a visible reason when the Go toolchain cannot.
//   - [New] loads a .wasm into a [Sandbox]: temporary $TOTE_HOME, $HOME and
//     working directory, a .prototools declaring the plugin, and options
//     that fake the host ([Host], [Libc], [CI]), set the [tools.<id>] table
//     ([ToolConfig]), grant capabilities ([Grant]), set environment
//     variables ([Env]) and route downloads to a [Mirror] ([UseMirror]).
//     The returned [Plugin] has one typed method per contract function, such
//     as [Plugin.DownloadPrebuilt], and the host operations [Plugin.Install],
//     [Plugin.Resolve], [Plugin.Detect] and [Plugin.Run].
//   - [Mirror] is an HTTP server on 127.0.0.1 that serves files and
//     handlers under their upstream URLs. [UseMirror] rewrites every http(s)
//     URL the plugin or the host fetches to the mirror, so nothing reaches
//     the network; a URL the test did not publish is a 404 whose body lists
//     what was published.
//   - [TarGz], [TarXz], [Zip], [Checksums], [SHA256] and [FakeExe] make
//     the release files a mirror serves.
//   - The suites [ResolveVersions], [DownloadInstall], [Executables] and
//     [VersionFiles] add subtests that check a whole behaviour each, as
//     proto's test macros do.
//
// # Requirements
//
// plugintest is host-side Go: it needs the Go version tote itself is built
// with (see its go.mod). The plugin it builds needs Go >= 1.24. Running
// installed executables and shims needs a Unix-like host; on Windows those
// checks are skipped.
package plugintest
