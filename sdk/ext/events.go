package ext

import (
	"github.com/tote-dev/tote/api"
)

// EventKind names a lifecycle event; it is the contract type api.EventKind.
type EventKind = api.EventKind

// Events an extension can listen to. Access events (the pre-* kinds) can
// deny the action; when a listener of one fails (returns an error, panics,
// traps or times out) the host denies the action, naming the plugin.
const (
	// PreInstall runs before a tool version is installed; handlers get a
	// *PreInstallEvent and may return an *AccessResult.
	PreInstall = api.EventPreInstall
	// PostInstall runs after an install succeeded; *PostInstallEvent.
	PostInstall = api.EventPostInstall
	// PreDownload runs before each download (archive and checksum file);
	// handlers get a *PreDownloadEvent and may return a *DownloadResult.
	PreDownload = api.EventPreDownload
	// PreRun runs before `tote run` and shims start a tool; handlers get a
	// *PreRunEvent and may return a *RunResult.
	PreRun = api.EventPreRun
	// PostRun runs after the tool exited; *PostRunEvent.
	PostRun = api.EventPostRun
	// PreUninstall runs before a version is removed; handlers get a
	// *PreUninstallEvent and may return an *AccessResult.
	PreUninstall = api.EventPreUninstall
	// PostUninstall runs after a version was removed; *PostUninstallEvent.
	PostUninstall = api.EventPostUninstall
	// VersionResolved runs when a spec was resolved to a version;
	// *VersionResolvedEvent.
	VersionResolved = api.EventVersionResolved
)

// Priority orders the listeners of one event across every extension,
// native or WASM: lowest runs first; at equal priority, earlier
// subscriptions run first. Any value 0-255 is valid.
type Priority uint8

// Named priorities.
const (
	First  Priority = Priority(api.PriorityFirst)  // 0
	Early  Priority = Priority(api.PriorityEarly)  // 64
	Normal Priority = Priority(api.PriorityNormal) // 128
	Late   Priority = Priority(api.PriorityLate)   // 192
	Last   Priority = Priority(api.PriorityLast)   // 255
)

// Results of access events; each is the contract type of the same name.
type (
	// AccessResult allows or denies an install or uninstall.
	AccessResult = api.AccessResult
	// DownloadResult allows, denies or redirects a download.
	DownloadResult = api.DownloadResult
	// RunResult allows or denies a run and can change its arguments,
	// environment and PATH.
	RunResult = api.RunResult
)

// PreInstallEvent is the event of [PreInstall]. Current is the result the
// listeners before this one settled on (allowed unless one denied).
type PreInstallEvent struct {
	api.InstallEvent
	// Current is the result so far.
	Current AccessResult
}

// Deny returns a result that stops the install; reason is shown to the
// user with the plugin's id.
func (e *PreInstallEvent) Deny(reason string) *AccessResult {
	return &AccessResult{Deny: true, Reason: reason}
}

// Allow returns a result that lets the install go ahead, undoing a deny by
// an earlier listener.
func (e *PreInstallEvent) Allow() *AccessResult { return &AccessResult{} }

// PostInstallEvent is the event of [PostInstall]: Dir, Checksum and
// DurationMS are set.
type PostInstallEvent struct {
	api.InstallEvent
}

// PreDownloadEvent is the event of [PreDownload]. URL is the download URL
// after tote's url-rewrites; Current.URL is the URL the listeners before
// this one settled on (URL when none changed it).
type PreDownloadEvent struct {
	api.DownloadEvent
	// Current is the result so far.
	Current DownloadResult
}

// Deny returns a result that stops the download, keeping the current URL.
func (e *PreDownloadEvent) Deny(reason string) *DownloadResult {
	return &DownloadResult{AccessResult: AccessResult{Deny: true, Reason: reason}, URL: e.Current.URL}
}

// Allow returns a result that lets the download go ahead from the current
// URL, undoing a deny by an earlier listener.
func (e *PreDownloadEvent) Allow() *DownloadResult {
	return &DownloadResult{URL: e.Current.URL}
}

// Rewrite returns a result that downloads from url instead, keeping the
// current allow or deny. It takes effect only when the extension is granted
// the download-rewrite capability, and a lockfile entry still decides which
// bytes are accepted.
func (e *PreDownloadEvent) Rewrite(url string) *DownloadResult {
	return &DownloadResult{AccessResult: e.Current.AccessResult, URL: url}
}

// PreRunEvent is the event of [PreRun]. Current holds the arguments,
// environment and PATH additions the listeners before this one settled on
// (Args when none changed them).
type PreRunEvent struct {
	api.RunEvent
	// Current is the result so far.
	Current RunResult
}

// Deny returns a result that stops the run, keeping the current changes.
func (e *PreRunEvent) Deny(reason string) *RunResult {
	r := e.Modify()
	r.Deny, r.Reason = true, reason
	return r
}

// Allow returns a result that lets the run go ahead with the current
// changes, undoing a deny by an earlier listener.
func (e *PreRunEvent) Allow() *RunResult {
	r := e.Modify()
	r.Deny, r.Reason = false, ""
	return r
}

// Modify returns a copy of the current result to change and return, for
// example to add an environment variable:
//
//	r := e.Modify()
//	r.Env["NODE_ENV"] = "production"
//	return r
//
// Its Env map is never nil. Changing Args needs the run-args capability,
// Env and Paths the run-env capability (granted in [extensions.<id>]
// permissions); tote ignores ungranted changes, and refuses loader and
// code-injection variables (LD_*, DYLD_*, NODE_OPTIONS, …) and anything
// pointing into an extension's data directory even when granted.
func (e *PreRunEvent) Modify() *RunResult {
	r := &RunResult{
		AccessResult: e.Current.AccessResult,
		Args:         append([]string{}, e.Current.Args...),
		Env:          make(map[string]string, len(e.Current.Env)),
		Paths:        append([]string(nil), e.Current.Paths...),
	}
	for k, v := range e.Current.Env {
		r.Env[k] = v
	}
	return r
}

// PostRunEvent is the event of [PostRun]: ExitCode and DurationMS are set.
type PostRunEvent struct {
	api.RunEvent
}

// PreUninstallEvent is the event of [PreUninstall].
type PreUninstallEvent struct {
	api.UninstallEvent
	// Current is the result so far.
	Current AccessResult
}

// Deny returns a result that stops the uninstall.
func (e *PreUninstallEvent) Deny(reason string) *AccessResult {
	return &AccessResult{Deny: true, Reason: reason}
}

// Allow returns a result that lets the uninstall go ahead.
func (e *PreUninstallEvent) Allow() *AccessResult { return &AccessResult{} }

// PostUninstallEvent is the event of [PostUninstall].
type PostUninstallEvent struct {
	api.UninstallEvent
}

// VersionResolvedEvent is the event of [VersionResolved].
type VersionResolvedEvent struct {
	api.VersionResolvedEvent
}
