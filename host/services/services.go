// Package services is the one host of tote's plugins: the context-aware
// services a plugin asks of tote — HTTP requests and downloads, commands,
// git ls-remote, environment variables, logging and virtual paths — with
// every policy applied in one place: url-rewrites, the allow-list (checked
// on every redirect hop), size limits, timeouts, the environment rules of
// exec_command, and errors that wrap their cause with %w.
//
// A [Services] serves one plugin. The WebAssembly host functions of package
// runtime are a thin adapter over it (they decode the guest's JSON, call a
// method, encode the answer), and it implements the Host interface of a
// built-in's core (plugins/pluginhost), so the native build of a built-in
// and its WASM build are served by the same code under the same policy.
//
// Errors that, in a WASM plugin, abort the plugin call (a denied capability,
// an unreachable URL, a body over the limit) are [*Error]s naming the host
// function; an HTTP status outside 2xx is not such an error for
// [Services.Request], and is a [*StatusError] for [Services.Fetch].
package services

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/vpath"
)

// Limits bound what one plugin may make the host do. The zero value of a
// field means its default (see DefaultLimits).
type Limits struct {
	// MaxBodyBytes caps a send_request (or Fetch, or git ls-remote)
	// response body. Default 64 MiB.
	MaxBodyBytes int64
	// MaxDownloadBytes caps a download_file. Default 4 GiB.
	MaxDownloadBytes int64
	// MaxCaptureBytes caps the captured stdout and stderr of one command,
	// each; the rest is dropped. Default 16 MiB.
	MaxCaptureBytes int
	// RequestTimeout bounds one HTTP request, body included, on top of the
	// caller's context (a WASM call's own deadline, a native call's
	// timeout). Default 60 s.
	RequestTimeout time.Duration
	// ExecTimeout bounds one command on top of the caller's context.
	// Default 10 minutes.
	ExecTimeout time.Duration
	// MaxLogMessage truncates one log message. Default 16 KiB.
	MaxLogMessage int
	// MaxRedirects bounds the redirects one request follows. Default 10.
	MaxRedirects int
}

// DefaultLimits are the limits used for every zero field of Limits.
var DefaultLimits = Limits{
	MaxBodyBytes:     64 << 20,
	MaxDownloadBytes: 4 << 30,
	MaxCaptureBytes:  16 << 20,
	RequestTimeout:   60 * time.Second,
	ExecTimeout:      10 * time.Minute,
	MaxLogMessage:    16 << 10,
	MaxRedirects:     10,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.MaxDownloadBytes <= 0 {
		l.MaxDownloadBytes = d.MaxDownloadBytes
	}
	if l.MaxCaptureBytes <= 0 {
		l.MaxCaptureBytes = d.MaxCaptureBytes
	}
	if l.RequestTimeout <= 0 {
		l.RequestTimeout = d.RequestTimeout
	}
	if l.ExecTimeout <= 0 {
		l.ExecTimeout = d.ExecTimeout
	}
	if l.MaxLogMessage <= 0 {
		l.MaxLogMessage = d.MaxLogMessage
	}
	if l.MaxRedirects <= 0 {
		l.MaxRedirects = d.MaxRedirects
	}
	return l
}

// Options describe one plugin and what it may do. Only PluginID is
// required; every other field has a safe default (no network, no commands,
// no mounts).
type Options struct {
	// PluginID names the plugin in errors and log records. Required.
	PluginID string
	// ToolID is the id the tool is configured under (default PluginID).
	ToolID string
	// ToolConfig is the JSON of the tool's [tools.<id>] table, as the
	// plugin sees it; nil or empty means "{}".
	ToolConfig []byte
	// Config are injected config values (Extism config keys such as
	// api.ConfigSchema) served by Services.Config.
	Config map[string]string
	// HostEnv describes the machine the tool is for.
	HostEnv api.HostEnvironment
	// DetectHostEnv, when set and HostEnv is zero, describes the machine on
	// first use of Env (detecting the C library runs a program, which
	// loading a plugin should not cost).
	DetectHostEnv func() api.HostEnvironment
	// Mounts are the plugin's virtual paths.
	Mounts vpath.Mounts
	// HTTPClient sends requests (default http.DefaultClient). Its
	// CheckRedirect is kept and runs after the allow-list check of each hop.
	HTTPClient *http.Client
	// Rewrite is the url-rewrites hook, applied to every URL a plugin
	// names (requests, downloads, git ls-remote) before the allow-list.
	Rewrite func(url string) string
	// AllowedHosts are the host names the plugin may reach, on the first
	// request and on every redirect: "*" is any host, "*.example.com" any
	// subdomain. nil or empty allows none.
	AllowedHosts []string
	// AllowExec grants exec_command.
	AllowExec bool
	// ExecHandler, when set, sees every exec_command call first, granted
	// or not: it may answer it (handled true), such as tote's own `git
	// ls-remote` or a refusal worded for the plugin, or leave it to the
	// exec grant (handled false).
	ExecHandler func(ctx context.Context, in api.ExecCommandInput) (out api.ExecCommandOutput, handled bool, err error)
	// AllowEnvRead grants get_env_var; nil means true (tool plugins read
	// the environment, as in proto).
	AllowEnvRead *bool
	// AllowEnvWrite grants set_env_var (into the plugin's overlay only).
	AllowEnvWrite bool
	// Logger receives log records, with the attribute plugin=<id> (default
	// slog.Default()).
	Logger *slog.Logger
	// Stdout and Stderr receive the stdout and stderr log targets and
	// streamed command output (default os.Stdout and os.Stderr).
	Stdout, Stderr io.Writer
	// Limits bound the plugin's requests, downloads and commands.
	Limits Limits
	// Files is how download_file and exec_command touch files (default:
	// the host's file system, confined to the mounts).
	Files Files
	// Environ returns tote's environment (default os.Environ); tests
	// replace it.
	Environ func() []string
}

// Services serves one plugin. It is safe for concurrent use.
type Services struct {
	id, toolID   string
	toolConfig   []byte
	config       map[string]string
	hostEnv      api.HostEnvironment
	detectEnv    func() api.HostEnvironment
	envOnce      sync.Once
	mounts       vpath.Mounts
	client       *http.Client
	rewrite      func(string) string
	allowedHosts []string
	allowExec    bool
	execHandler  func(context.Context, api.ExecCommandInput) (api.ExecCommandOutput, bool, error)
	allowEnvR    bool
	allowEnvW    bool
	logger       *slog.Logger
	stdout       io.Writer
	stderr       io.Writer
	limits       Limits
	environ      func() []string
	files        Files

	envMu sync.Mutex
	env   map[string]string // set_env_var overlay
}

// New returns the services of one plugin under opts.
func New(opts Options) *Services {
	s := &Services{
		id:           opts.PluginID,
		toolID:       opts.ToolID,
		toolConfig:   opts.ToolConfig,
		config:       maps.Clone(opts.Config),
		hostEnv:      opts.HostEnv,
		detectEnv:    opts.DetectHostEnv,
		mounts:       append(vpath.Mounts(nil), opts.Mounts...),
		rewrite:      opts.Rewrite,
		allowedHosts: append([]string(nil), opts.AllowedHosts...),
		allowExec:    opts.AllowExec,
		execHandler:  opts.ExecHandler,
		allowEnvR:    opts.AllowEnvRead == nil || *opts.AllowEnvRead,
		allowEnvW:    opts.AllowEnvWrite,
		logger:       opts.Logger,
		stdout:       opts.Stdout,
		stderr:       opts.Stderr,
		limits:       opts.Limits.withDefaults(),
		environ:      opts.Environ,
		files:        opts.Files,
		env:          map[string]string{},
	}
	if s.toolID == "" {
		s.toolID = s.id
	}
	if len(s.toolConfig) == 0 {
		s.toolConfig = []byte("{}")
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	s.logger = s.logger.With("plugin", s.id)
	if s.stdout == nil {
		s.stdout = os.Stdout
	}
	if s.stderr == nil {
		s.stderr = os.Stderr
	}
	if s.environ == nil {
		s.environ = os.Environ
	}
	if s.files == nil {
		s.files = hostFiles{mounts: s.mounts}
	}
	s.client = s.guardedClient(opts.HTTPClient)
	return s
}

// ID returns the plugin id.
func (s *Services) ID() string { return s.id }

// ToolID returns the id the tool is configured under.
func (s *Services) ToolID() string { return s.toolID }

// ToolConfig returns the JSON of the tool's [tools.<id>] table ("{}" when
// empty).
func (s *Services) ToolConfig() []byte { return s.toolConfig }

// Env describes the machine the tool is for. Its home_dir is the /userhome
// mount, with the mount's prefixes, as the WASM host injects it.
func (s *Services) Env() api.HostEnvironment {
	s.envOnce.Do(func() {
		if s.hostEnv.OS == "" && s.detectEnv != nil {
			s.hostEnv = s.detectEnv()
		}
		if vp, ok := s.mounts.VirtualPath(s.mounts.Map()[api.VirtualUserHome]); ok && s.hostEnv.HomeDir.Path == api.VirtualUserHome {
			s.hostEnv.HomeDir = vp
		}
	})
	return s.hostEnv
}

// Config returns an injected config value.
func (s *Services) Config(key string) (string, bool) {
	v, ok := s.config[key]
	return v, ok
}

// Mounts returns the plugin's virtual mounts.
func (s *Services) Mounts() vpath.Mounts { return append(vpath.Mounts(nil), s.mounts...) }

// Limits returns the limits in force (defaults filled in).
func (s *Services) Limits() Limits { return s.limits }
