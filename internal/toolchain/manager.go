package toolchain

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/host/vpath"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/httpx"
	"github.com/tote-dev/tote/internal/ocimirror"
	"github.com/tote-dev/tote/internal/store"
)

// Manager runs tote's operations for one working directory. Its methods
// are safe for concurrent use, except Close.
type Manager struct {
	// Config is the merged .prototools configuration.
	Config *config.Config
	// Store is the $TOTE_HOME layout.
	Store *store.Store
	// Cwd is the working directory; UserHome is $HOME.
	Cwd, UserHome string
	// Env describes the host; when zero, HostEnv detects it on first use
	// (detecting the C library runs a program, which the hot path avoids).
	Env api.HostEnvironment
	// HTTP is the client for every request (downloads, plugins' requests);
	// by default an httpx client with the limits of [settings.http].
	HTTP *http.Client
	// Logger receives diagnostics.
	Logger *slog.Logger
	// Progress receives download progress: bars on a terminal, else a line
	// per download start and finish and one every ReportEvery (nil: silent).
	Progress io.Writer
	// Bars, when set, is the one progress container every download of this
	// Manager draws its bar in (parallel installs share the display); the
	// caller waits on it.
	Bars *mpb.Progress
	// ReportEvery is how often a download without a terminal reports how
	// far it got (0: install.DefaultReportEvery).
	ReportEvery time.Duration
	// Builtins are the plugins compiled into tote, by id: the registry
	// (RegisteredBuiltins) unless Options.Builtins says otherwise.
	Builtins map[string]Builtin
	// Version is tote's version, passed to plugins as proto_version.
	Version string
	// RuntimeConfig is the base configuration of the WASM runtime.
	RuntimeConfig runtime.Config
	// ShimBin is the tote-shim launcher copied into shims/ ("" = ShimBinary()).
	ShimBin string
	// Events receives lifecycle events for extensions; nil means none.
	Events EventBus
	// LsRemote serves plugins' `git ls-remote` inside the host; nil runs
	// git like any other command (under the exec grant).
	LsRemote LsRemoter
	// RegistryHosts are registry hosts, besides the configured mirrors',
	// that TOTE_REGISTRY_* credentials may be sent to (the REGISTRY of
	// `tote mirror push`). Set before the first mirror operation.
	RegistryHosts []string

	mirrorOnce sync.Once
	mirror     *ocimirror.Client
	// otherPlatform is set on a ForPlatform Manager.
	otherPlatform bool

	detectEnv func() api.HostEnvironment
	envOnce   sync.Once

	offlineOnce sync.Once
	offline     bool

	mounts vpath.Mounts

	// toolsMu guards tools. A Manager is used by several goroutines at once
	// (parallel installs); each tool's plugin is loaded once, by the first
	// caller, while later callers wait for it.
	toolsMu sync.Mutex
	tools   map[string]*toolSlot

	digestOnce sync.Once
	digest     string

	lock projectLock

	rtOnce sync.Once
	rt     *runtime.Runtime
	rtErr  error
}

// Options configure a Manager.
type Options struct {
	Config   *config.Config
	Store    *store.Store
	Cwd      string
	UserHome string
	Env      api.HostEnvironment
	// DetectEnv describes the host when Env is zero; called at most once,
	// and only when a plugin needs it.
	DetectEnv func() api.HostEnvironment
	HTTP      *http.Client
	Logger    *slog.Logger
	Progress  io.Writer
	// Bars and ReportEvery: see the Manager's fields.
	Bars        *mpb.Progress
	ReportEvery time.Duration
	// Builtins replaces the registered built-ins (RegisteredBuiltins) when
	// non-nil; tests use it to run without them.
	Builtins map[string]Builtin
	Version  string
	Runtime  runtime.Config
	ShimBin  string
	Events   EventBus
	// LsRemote serves plugins' git ls-remote inside the host (nil: git).
	LsRemote LsRemoter
}

// New returns a Manager. Nothing is loaded until an operation needs it.
func New(o Options) *Manager {
	if o.HTTP == nil {
		h := o.Config.Settings().HTTPLimits
		o.HTTP = httpx.NewClient(httpx.FromSettings(h.ConnectTimeout, h.ResponseTimeout, h.MinBytes, h.MinWindow))
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Manager{
		Config: o.Config, Store: o.Store, Cwd: absClean(o.Cwd), UserHome: o.UserHome,
		Env: o.Env, detectEnv: o.DetectEnv, HTTP: o.HTTP, Logger: o.Logger, Progress: o.Progress, Bars: o.Bars, ReportEvery: o.ReportEvery,
		Builtins: o.Builtins, Version: o.Version, RuntimeConfig: o.Runtime, ShimBin: o.ShimBin, Events: o.Events, LsRemote: o.LsRemote,
		tools: map[string]*toolSlot{},
	}
	if m.Builtins == nil {
		m.Builtins = RegisteredBuiltins()
	}
	m.mounts = vpath.ToolMounts(o.Store.Home, o.UserHome, m.Cwd, o.Store.TempDir())
	return m
}

// HostEnv describes the host plugins are told about, detecting it on first
// use when Options.Env was not given.
func (m *Manager) HostEnv() api.HostEnvironment {
	m.envOnce.Do(func() {
		if m.Env.OS == "" && m.detectEnv != nil {
			m.Env = m.detectEnv()
		}
	})
	return m.Env
}

// runtime starts the WASM runtime on first use.
func (m *Manager) runtime(ctx context.Context) (*runtime.Runtime, error) {
	m.rtOnce.Do(func() {
		cfg := m.RuntimeConfig.
			WithCacheDir(m.Store.CacheDir("wasm")).
			WithLogger(m.Logger).
			WithHTTPClient(m.HTTP).
			WithHostEnvironment(m.HostEnv()).
			WithMounts(m.mounts).
			WithRewrite(m.RewriteURL)
		m.rt, m.rtErr = runtime.New(ctx, cfg)
		if m.rtErr != nil {
			m.rtErr = fmt.Errorf("start the plugin runtime: %w", m.rtErr)
		}
	})
	return m.rt, m.rtErr
}

// Close releases every loaded plugin and the runtime. No other method may
// be running or be called afterwards.
func (m *Manager) Close(ctx context.Context) error {
	m.toolsMu.Lock()
	var loaded []*Tool
	for _, s := range m.tools {
		select {
		case <-s.ready:
			if s.t != nil {
				loaded = append(loaded, s.t)
			}
		default:
		}
	}
	m.tools = map[string]*toolSlot{}
	m.toolsMu.Unlock()
	for _, t := range loaded {
		t.Plugin.Close(ctx)
	}
	if m.rt != nil {
		return m.rt.Close(ctx)
	}
	return nil
}

// virtual maps a host path into the plugin's view, with the mount's
// prefixes; paths outside the mounts are passed as they are (the plugin
// cannot open them anyway).
func (m *Manager) virtual(real string) api.VirtualPath {
	if v, ok := m.mounts.VirtualPath(real); ok {
		return v
	}
	return api.NewVirtualPath(real)
}

// real maps a plugin path back to the host; a path outside every mount is an
// error naming the plugin.
func (m *Manager) real(id string, p string) (string, error) {
	if !filepath.IsAbs(p) && !isVirtualAbs(p) {
		return p, nil
	}
	r, err := m.mounts.ToReal(p)
	if err != nil {
		return "", fmt.Errorf("plugin %q returned the path %q, which is outside its mounts: %w", id, p, err)
	}
	return r, nil
}

func isVirtualAbs(p string) bool { return len(p) > 0 && p[0] == '/' }

// context builds the contract context of a tool version.
func (m *Manager) context(id, version string) api.Context {
	c := api.Context{
		ProtoVersion: m.Version,
		ToolDir:      m.virtual(m.Store.ToolDir(id)),
		TempDir:      m.virtual(filepath.Join(m.Store.TempDir(), id)),
		WorkingDir:   m.virtual(m.Cwd),
		Version:      version,
	}
	if version != "" {
		c.ToolDir = m.virtual(m.Store.VersionDir(id, version))
	}
	return c
}

// RewriteURL applies [settings] url-rewrites to u, logging the URL before
// and after at trace level (at debug when a rewrite changed it).
func (m *Manager) RewriteURL(u string) string {
	r := m.Config.Settings().RewriteURL(u)
	if r != u {
		m.Logger.Debug("url rewritten", "url", u, "to", r)
	} else {
		m.Logger.Log(context.Background(), slog.LevelDebug-4, "url", "url", u)
	}
	return r
}
