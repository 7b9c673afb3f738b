package runtime

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/services"
	"github.com/tote-dev/tote/host/vpath"
	"github.com/tote-dev/tote/internal/readlimit"
)

// Config configures a Runtime. It is immutable: every WithX method returns a
// modified copy. The zero value is not useful; start from NewConfig.
type Config struct {
	cacheDir    string
	memoryLimit uint64
	callTimeout time.Duration
	logger      *slog.Logger
	stdout      io.Writer
	stderr      io.Writer
	httpClient  *http.Client
	rewrite     func(string) string
	hostEnv     *api.HostEnvironment
	mounts      vpath.Mounts
	limits      services.Limits
	environ     func() []string
	interpreter bool
	// compileWorkers is how many goroutines compile a module not in the
	// cache; 0 means GOMAXPROCS (BenchmarkCompileWorkers compares).
	compileWorkers int
	// unmetered leaves modules as they are, stopped by wazero's check at
	// every loop instead of fuel checks (BenchmarkMeter compares).
	unmetered bool
}

// defaultConfig holds every default in one place.
var defaultConfig = Config{
	memoryLimit: 256 << 20,
	callTimeout: 60 * time.Second,
}

// NewConfig returns the default configuration: no disk cache, 256 MiB of
// memory and 60 s per call, slog.Default for host_log, os.Stdout and
// os.Stderr for streamed output, http.DefaultClient, no URL rewrites, the
// detected host environment and no mounts.
func NewConfig() Config { return defaultConfig }

// WithInterpreter runs plugins in wazero's interpreter instead of
// compiling them to machine code. Nothing is compiled and nothing is
// cached, so a module's first call answers in about a fifth of the time a
// compile takes (BenchmarkFirstCall: 0.2 s against 1 s for a 3 MB Go
// plugin), but every call runs many times slower: it suits one call on a
// module that will not be used again, such as `tote plugin inspect` of a
// fresh build, not a plugin in use. Time and memory limits hold as
// compiled.
func (c Config) WithInterpreter(on bool) Config { c.interpreter = on; return c }

// WithCacheDir sets the directory of the on-disk compiled-code cache,
// normally $TOTE_HOME/cache/wasm. "" (the default) keeps compiled code in
// memory only, shared by every plugin of the Runtime.
//
// # Notes
//
// The cache is wazero's compilation cache: entries are keyed by the hash of
// the wasm bytes, the wazero version and the CPU features, so a changed
// plugin or a tote built with another wazero simply misses and recompiles.
// The directory may be shared by concurrent tote processes.
func (c Config) WithCacheDir(dir string) Config { c.cacheDir = dir; return c }

// WithMemoryLimit sets the default memory limit of a plugin instance, in
// bytes, rounded down to 64 KiB WebAssembly pages. Default 256 MiB.
func (c Config) WithMemoryLimit(bytes uint64) Config { c.memoryLimit = bytes; return c }

// WithCallTimeout sets the default time limit of one plugin call. Default 60 s.
func (c Config) WithCallTimeout(d time.Duration) Config { c.callTimeout = d; return c }

// WithLogger sets where host_log messages go. The target selects the level:
// error, warn, info, debug; trace logs at slog.LevelDebug-4. Every record
// carries the attribute plugin=<id>. Default slog.Default().
func (c Config) WithLogger(l *slog.Logger) Config { c.logger = l; return c }

// WithOutput sets the writers used by host_log's stdout and stderr targets
// and by exec_command with stream=true. Default os.Stdout and os.Stderr.
func (c Config) WithOutput(stdout, stderr io.Writer) Config {
	c.stdout, c.stderr = stdout, stderr
	return c
}

// WithHTTPClient sets the client of send_request and download_file.
// Default http.DefaultClient.
func (c Config) WithHTTPClient(h *http.Client) Config { c.httpClient = h; return c }

// WithLimits sets the limits of the host services of every plugin (body,
// download and captured-output sizes, request and command timeouts); zero
// fields keep services.DefaultLimits. The body limit also bounds Extism's
// own http_request.
func (c Config) WithLimits(l services.Limits) Config { c.limits = l; return c }

// WithEnviron sets where the environment of the host comes from: what
// get_env_var reads and what exec_command's child starts from (before the
// plugin's overlay and the call's env). Default os.Environ. An embedding
// program (or a test) that must not leak its own environment, or that
// runs plugins against a prepared PATH, sets it.
func (c Config) WithEnviron(fn func() []string) Config { c.environ = fn; return c }

// WithRewrite sets the url-rewrites hook, applied to every send_request and
// download_file URL before the allow-list check, so the allow-list applies
// to the URL actually fetched. Default: none.
func (c Config) WithRewrite(fn func(url string) string) Config { c.rewrite = fn; return c }

// WithHostEnvironment sets the host_environment injected into plugins.
// Default: detected once in New (OS, architecture, libc via the musl loader
// or ldd, CI from the CI variable, home_dir /userhome).
func (c Config) WithHostEnvironment(env api.HostEnvironment) Config {
	c.hostEnv = &env
	return c
}

// WithMounts sets the virtual mounts of tool plugins, normally
// vpath.ToolMounts. LoadOptions.Mounts overrides them per plugin.
func (c Config) WithMounts(m vpath.Mounts) Config {
	c.mounts = append(vpath.Mounts(nil), m...)
	return c
}

// Output returns the writers set by WithOutput (nil when unset: the
// runtime then uses os.Stdout and os.Stderr).
func (c Config) Output() (stdout, stderr io.Writer) { return c.stdout, c.stderr }

// Limits returns the limits set by WithLimits (zero fields: defaults).
func (c Config) Limits() services.Limits { return c.limits }

// CallTimeout returns the time limit of one plugin call, default included.
func (c Config) CallTimeout() time.Duration {
	if c.callTimeout <= 0 {
		return defaultConfig.callTimeout
	}
	return c.callTimeout
}

// resolved fills in the defaults that need the environment.
func (c Config) resolved(ctx context.Context) Config {
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if c.stdout == nil {
		c.stdout = os.Stdout
	}
	if c.stderr == nil {
		c.stderr = os.Stderr
	}
	if c.httpClient == nil {
		c.httpClient = http.DefaultClient
	}
	if c.memoryLimit == 0 {
		c.memoryLimit = defaultConfig.memoryLimit
	}
	if c.callTimeout <= 0 {
		c.callTimeout = defaultConfig.callTimeout
	}
	if c.hostEnv == nil {
		env := DetectHostEnvironment(ctx)
		c.hostEnv = &env
	}
	return c
}

// DetectHostEnvironment describes the machine tote runs on: OS and
// architecture from the Go runtime, the C library on Linux (musl when a
// musl loader exists or ldd says so, else gnu when ldd reports glibc, else
// unknown), CI when $CI is set to anything but "false" or "0", and HomeDir
// /userhome.
func DetectHostEnvironment(ctx context.Context) api.HostEnvironment {
	env := api.HostEnvironment{
		OS:      api.OSFromGOOS(goruntime.GOOS),
		Arch:    api.ArchFromGOARCH(goruntime.GOARCH),
		Libc:    api.LibcUnknown,
		HomeDir: api.NewVirtualPath(api.VirtualUserHome),
	}
	if goruntime.GOOS == "linux" {
		env.Libc = detectLibc(ctx)
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		env.CI = true
	}
	return env
}

func detectLibc(ctx context.Context) api.HostLibc {
	for _, pattern := range []string{"/lib/ld-musl-*.so.1", "/usr/lib/ld-musl-*.so.1"} {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			return api.LibcMusl
		}
	}
	ldd, err := exec.LookPath("ldd")
	if err != nil {
		return api.LibcUnknown
	}
	// glibc's ldd is a shell script whose header names the GNU C Library;
	// musl's is the musl loader itself. Reading it answers without starting
	// a shell for `ldd --version` in every tote process that loads a plugin
	// (7 ms on the benchmark machine). Node's detect-libc reads it the same
	// way.
	if b, err := readlimit.File(ldd, 1<<20, "ldd"); err == nil {
		if libc := libcFromText(b); libc != api.LibcUnknown {
			return libc
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, ldd, "--version")
	cmd.Stdout, cmd.Stderr = &out, &out // musl's ldd prints to stderr and exits 1
	_ = cmd.Run()
	return libcFromText(out.Bytes())
}

// libcFromText names the C library that ldd's file or its --version
// output speaks of.
func libcFromText(b []byte) api.HostLibc {
	s := strings.ToLower(string(b))
	switch {
	case strings.Contains(s, "musl"):
		return api.LibcMusl
	case strings.Contains(s, "glibc") || strings.Contains(s, "gnu libc") || strings.Contains(s, "gnu c library"):
		return api.LibcGnu
	}
	return api.LibcUnknown
}
