package cli

import (
	"strconv"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/vbauerster/mpb/v8"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/host/services"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/httpx"
	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/toolchain"
)

// Env returns the working directory, the user's home and the loaded config.
func (f *Factory) loadConfig() (*config.Config, string, string, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, "", "", fmt.Errorf("cannot read the working directory: %w", err)
	}
	home, _ := os.UserHomeDir()
	cfg, err := config.Load(cwd, home, f.Home)
	if err != nil {
		return nil, "", "", err
	}
	f.warnUntrusted(cfg)
	if !f.warnedProto {
		f.warnedProto = true
		for _, w := range cfg.Warnings() {
			fmt.Fprintf(f.IO.ErrOut, "tote: warning: %s\n", w)
		}
	}
	if f.Logger != nil {
		for i, file := range cfg.Files() {
			f.Logger.Debug("read config", "order", i+1, "path", file.Path)
		}
	}
	return cfg, cwd, home, nil
}

// warnUntrusted prints one warning per untrusted project file whose
// trust-only settings were ignored, once per process however often the
// configuration is loaded.
func (f *Factory) warnUntrusted(cfg *config.Config) {
	for _, u := range cfg.Untrusted() {
		if f.warned[u.Path] {
			continue
		}
		if f.warned == nil {
			f.warned = map[string]bool{}
		}
		f.warned[u.Path] = true
		fmt.Fprintf(f.IO.ErrOut, "tote: warning: %s\n", u.Warning())
	}
}

// Manager builds the toolchain manager for the working directory. It is
// built once per command and closed when the command ends.
func (f *Factory) Manager(ctx context.Context) (*toolchain.Manager, error) {
	if f.manager != nil {
		return f.manager, nil
	}
	cfg, cwd, home, err := f.loadConfig()
	if err != nil {
		return nil, err
	}
	// Progress: on a terminal, one bar container shared by every parallel
	// download of this command; otherwise lines (start, finish, and one
	// every TOTE_PROGRESS_INTERVAL) that logs keep readable.
	progress := f.IO.ErrOut
	var bars *mpb.Progress
	if f.IO.ErrTTY {
		bars = mpb.New(mpb.WithOutput(f.IO.ErrOut), mpb.WithWidth(40), mpb.WithRefreshRate(150*time.Millisecond))
		f.bars = bars
		f.OnExit(f.waitBars)
	}
	every, err := progressInterval()
	if err != nil {
		f.Logger.Warn(err.Error())
	}
	client := httpClient(cfg)
	rt := runtime.NewConfig().WithOutput(f.IO.ErrOut, f.IO.ErrOut)
	// proto's plugins list versions with `git ls-remote`: tote serves it
	// itself (url-rewrites applied, no git binary, no exec grant).
	git := services.New(services.Options{
		PluginID: "git-ls-remote", HTTPClient: client, Rewrite: cfg.Settings().RewriteURL,
		AllowedHosts: []string{"*"}, Logger: f.Logger, Limits: rt.Limits(),
	})
	m := toolchain.New(toolchain.Options{
		Bars:        bars,
		ReportEvery: every,
		Config:      cfg,
		Store:       &store.Store{Home: f.Home},
		Cwd:         cwd,
		UserHome:    home,
		DetectEnv:   func() api.HostEnvironment { return runtime.DetectHostEnvironment(ctx) },
		HTTP:        client,
		Logger:      f.Logger,
		Progress:    progress,
		Version:     f.Version,
		Runtime:     rt,
		Events:      f.extensionHost(cfg),
		LsRemote:    toolchain.ServicesLsRemote(git),
	})
	f.manager = m
	f.OnExit(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		m.Close(ctx)
	})
	return m, nil
}

// waitBars lets the progress bars finish drawing (once), so that what is
// printed next is not drawn over.
func (f *Factory) waitBars() {
	if f.bars != nil {
		f.bars.Wait()
		f.bars = nil
	}
}

// progressInterval reads TOTE_PROGRESS_INTERVAL (a duration such as 5s, or
// seconds), the interval of progress lines when stderr is no terminal.
func progressInterval() (time.Duration, error) {
	v := os.Getenv("TOTE_PROGRESS_INTERVAL")
	if v == "" {
		return 0, nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d, nil
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second, nil
	}
	return 0, fmt.Errorf("TOTE_PROGRESS_INTERVAL=%q is not a duration such as 5s; using 10s", v)
}

// httpClient is the client of every request tote makes for cfg: the
// limits of [settings.http] and TOTE_HTTP_* (see package httpx).
// proto's proxies, secure-proxies, root-cert and allow-invalid-certs
// apply too (a bad certificate or proxy is reported once and the
// environment's proxies and the system's certificates are used).
func httpClient(cfg *config.Config) *http.Client {
	s := cfg.Settings()
	h := s.HTTPLimits
	limits := httpx.FromSettings(h.ConnectTimeout, h.ResponseTimeout, h.MinBytes, h.MinWindow)
	p := s.Proxy
	c, err := httpx.NewClientWith(limits, httpx.Network{Proxies: p.Proxies, SecureProxies: p.SecureProxies, RootCert: p.RootCert, AllowInvalidCerts: p.AllowInvalidCerts})
	if err != nil {
		fmt.Fprintf(os.Stderr, "tote: warning: %v\n", err)
		return httpx.NewClient(limits)
	}
	return c
}

// printJSON writes v as indented JSON: the one path for --json output.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// hinter is an error that carries a hint for the user.
type hinter interface{ Hint() string }

func hintOf(err error) string {
	var h hinter
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}
