package services

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/vpath"
)

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestRequestPolicy(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("other")) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("X-Thing", "a")
			w.Write([]byte("hello"))
		case "/missing":
			http.NotFound(w, r)
		case "/to-localhost":
			// Same server, another name: not on the allow-list.
			http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusFound)
		case "/to-self":
			http.Redirect(w, r, "/ok", http.StatusMovedPermanently)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/to-file":
			w.Header().Set("Location", "file:///etc/passwd")
			w.WriteHeader(http.StatusFound)
		case "/big":
			w.Write(bytes.Repeat([]byte("x"), 2048))
		}
	}))
	defer srv.Close()
	s := New(Options{PluginID: "p", AllowedHosts: []string{"127.0.0.1"}, Logger: quiet(), Limits: Limits{MaxBodyBytes: 1024, MaxRedirects: 3},
		Rewrite: func(u string) string { return strings.Replace(u, "https://upstream.example", srv.URL, 1) }})
	ctx := context.Background()

	resp, err := s.Request(ctx, api.SendRequestInput{URL: "https://upstream.example/ok"})
	if err != nil || string(resp.Body) != "hello" || resp.Status != 200 || resp.Headers["x-thing"] != "a" {
		t.Fatalf("through url-rewrites: %+v %v", resp, err)
	}
	if resp, err := s.Request(ctx, api.SendRequestInput{URL: srv.URL + "/to-self"}); err != nil || string(resp.Body) != "hello" {
		t.Fatalf("allowed redirect: %v", err)
	}
	// A status is an answer for Request, an error naming the URL for Fetch.
	if resp, err := s.Request(ctx, api.SendRequestInput{URL: srv.URL + "/missing"}); err != nil || resp.Status != 404 {
		t.Fatalf("404 via Request: %+v %v", resp, err)
	}
	_, err = s.Fetch(ctx, "https://upstream.example/missing")
	var se *StatusError
	if !errors.As(err, &se) || err.Error() != "fetch https://upstream.example/missing: HTTP status 404" {
		t.Fatalf("Fetch 404: %v", err)
	}

	for _, c := range []struct{ path, want string }{
		{"/to-localhost", `may not reach host "localhost"`},
		{"/loop", "stopped after 3 redirects"},
		{"/to-file", "only http and https"},
		{"/big", "response body exceeds 0 MiB"},
	} {
		_, err := s.Request(ctx, api.SendRequestInput{URL: srv.URL + c.path})
		var e *Error
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.As(err, &e) || e.Function != FuncSendRequest {
			t.Errorf("%s: got %v, want a send_request error containing %q", c.path, err, c.want)
		}
		if c.path == "/to-localhost" && (!errors.Is(err, ErrDenied) || !strings.HasPrefix(err.Error(), "permission-denied: send_request: ")) {
			t.Errorf("a redirect off the allow-list is a denial: %v", err)
		}
	}
	// The first URL is checked too, after rewriting.
	if _, err := s.Request(ctx, api.SendRequestInput{URL: "https://elsewhere.example/"}); !errors.Is(err, ErrDenied) {
		t.Errorf("host off the list: %v", err)
	}
	// A trailing dot does not get around the list.
	s2 := New(Options{PluginID: "p", AllowedHosts: []string{"example.com"}, Logger: quiet()})
	if !s2.HostAllowed("example.com.") || s2.HostAllowed("evil-example.com") || New(Options{PluginID: "p"}).HostAllowed("127.0.0.1") {
		t.Error("allow-list matching")
	}
}

func TestRedirectDowngradeRefused(t *testing.T) {
	t.Parallel()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("plain")) }))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/", http.StatusFound)
	}))
	defer tlsSrv.Close()
	s := New(Options{PluginID: "p", AllowedHosts: []string{"*"}, HTTPClient: tlsSrv.Client(), Logger: quiet()})
	_, err := s.Request(context.Background(), api.SendRequestInput{URL: tlsSrv.URL + "/"})
	if err == nil || !strings.Contains(err.Error(), "refusing to downgrade https to http") {
		t.Fatalf("got %v", err)
	}
}

func TestRequestCancelled(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	}))
	defer srv.Close()
	s := New(Options{PluginID: "p", AllowedHosts: []string{"127.0.0.1"}, Logger: quiet()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := s.Fetch(ctx, srv.URL); done <- err }()
	<-arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled through the chain, got %v", err)
	}
}

func TestDownload(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone" {
			http.NotFound(w, r)
			return
		}
		w.Write(bytes.Repeat([]byte("d"), 100))
	}))
	defer srv.Close()
	dir := t.TempDir()
	s := New(Options{PluginID: "p", AllowedHosts: []string{"127.0.0.1"}, Logger: quiet(),
		Mounts: vpath.Mounts{{Virtual: "/temp", Real: dir}}, Limits: Limits{MaxDownloadBytes: 64}})
	ctx := context.Background()
	_, err := s.Download(ctx, api.DownloadFileInput{URL: srv.URL + "/f", File: api.NewVirtualPath("/temp/f")})
	if err == nil || !strings.Contains(err.Error(), "exceeds the download limit") {
		t.Fatalf("over the limit: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a failed download left %v", entries)
	}
	if _, err := s.Download(ctx, api.DownloadFileInput{URL: srv.URL + "/f", File: api.NewVirtualPath("/etc/f")}); !errors.Is(err, ErrDenied) {
		t.Fatalf("outside the mounts: %v", err)
	}
	if _, err := s.Download(ctx, api.DownloadFileInput{URL: srv.URL + "/gone", File: api.NewVirtualPath("/temp/g")}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("404: %v", err)
	}
	s = New(Options{PluginID: "p", AllowedHosts: []string{"127.0.0.1"}, Logger: quiet(), Mounts: vpath.Mounts{{Virtual: "/temp", Real: dir}}})
	out, err := s.Download(ctx, api.DownloadFileInput{URL: srv.URL + "/f", File: api.NewVirtualPath("/temp/sub/f")})
	if err != nil || out.Size != 100 || out.File.Path != "/temp/sub/f" {
		t.Fatalf("download: %+v %v", out, err)
	}
}

func TestChildEnvRules(t *testing.T) {
	t.Parallel()
	s := New(Options{PluginID: "p", AllowEnvWrite: true, Logger: quiet(),
		Environ: func() []string { return []string{"HOME=/h", "DROP=1", "KEEP=old", "PATH=/bin"} }})
	if err := s.SetEnv("OVERLAY", "o"); err != nil {
		t.Fatal(err)
	}
	got := s.ChildEnv(map[string]string{"DROP!": "", "KEEP?": "new", "FRESH?": "f", "OVERLAY!": "", "SET": "s"})
	want := []string{"HOME=/h", "KEEP=old", "PATH=/bin", "FRESH=f", "SET=s"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("ChildEnv = %v, want %v (a name ending in ! is removed, not set empty; ? sets only when unset)", got, want)
	}
	// The overlay is the plugin's own view, never tote's environment.
	if v, _ := s.LookupEnv("OVERLAY"); v != "o" || os.Getenv("OVERLAY") != "" {
		t.Fatalf("overlay: %q", v)
	}
	if v, _ := s.LookupEnv("HOME"); v != "/h" {
		t.Fatalf("environment: %q", v)
	}
	for _, bad := range []string{"", "A=B", "A\x00"} {
		if err := s.SetEnv(bad, "x"); err == nil {
			t.Errorf("SetEnv(%q) accepted", bad)
		}
	}
	f := false
	denied := New(Options{PluginID: "p", AllowEnvRead: &f, Logger: quiet()})
	if _, err := denied.LookupEnv("HOME"); !errors.Is(err, ErrDenied) || denied.GetEnv("HOME") != "" {
		t.Fatalf("env-read not granted: %v", err)
	}
	if err := denied.SetEnv("A", "b"); !errors.Is(err, ErrDenied) || !strings.Contains(err.Error(), "permission-denied: set_env_var") {
		t.Fatalf("env-write not granted: %v", err)
	}
}

func TestExec(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("needs /bin/sh")
	}
	dir := t.TempDir()
	mounts := vpath.Mounts{{Virtual: "/cwd", Real: dir}}
	ctx := context.Background()
	s := New(Options{PluginID: "p", AllowExec: true, Mounts: mounts, Logger: quiet(), Limits: Limits{MaxCaptureBytes: 10},
		Environ: func() []string { return []string{"PATH=/usr/bin:/bin", "SECRET=1"} }})

	out, err := s.Exec(ctx, api.ExecCommandInput{Command: "sh", Args: []string{"-c", `printf '%s' "${SECRET-unset}:$PWD"; printf 0123456789abcdef; exit 3`}, Env: map[string]string{"SECRET!": ""}})
	if err != nil {
		t.Fatal(err)
	}
	if full := "unset:" + dir + "0123456789abcdef"; out.ExitCode != 3 || out.Stdout != full[:10] {
		t.Fatalf("exit code, removal and capture cap: %+v", out)
	}
	// The timeout ends a command that would run for a minute.
	short := New(Options{PluginID: "p", AllowExec: true, Mounts: mounts, Logger: quiet(), Limits: Limits{ExecTimeout: 50 * time.Millisecond}})
	_, err = short.Exec(ctx, api.ExecCommandInput{Command: "sleep", Args: []string{"60"}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timeout: %v", err)
	}
	// A cwd outside the mounts is denied; without the grant, nothing runs.
	if _, err := s.Exec(ctx, api.ExecCommandInput{Command: "true", Cwd: &api.VirtualPath{Path: "/etc"}}); !errors.Is(err, ErrDenied) {
		t.Fatalf("cwd outside the mounts: %v", err)
	}
	no := New(Options{PluginID: "p", Logger: quiet()})
	if _, err := no.Exec(ctx, api.ExecCommandInput{Command: "true"}); !errors.Is(err, ErrDenied) ||
		!strings.HasPrefix(err.Error(), `permission-denied: exec_command: plugin "p" may not run commands`) {
		t.Fatalf("exec not granted: %v", err)
	}
	// A command is looked up on the child's PATH, virtual paths included.
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	os.WriteFile(filepath.Join(bin, "hello"), []byte("#!/bin/sh\necho hi\n"), 0o755)
	out, err = s.Exec(ctx, api.ExecCommandInput{Command: "hello", Paths: []string{"/cwd/bin"}})
	if err != nil || out.Stdout != "hi\n" {
		t.Fatalf("paths: %+v %v", out, err)
	}
}

func TestHostLogAndPaths(t *testing.T) {
	t.Parallel()
	var logs, stdout bytes.Buffer
	dir := t.TempDir()
	s := New(Options{PluginID: "p", Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug - 4})),
		Stdout: &stdout, Limits: Limits{MaxLogMessage: 5}, Mounts: vpath.Mounts{{Virtual: "/proto", Real: dir}}})
	s.HostLog(context.Background(), api.HostLogInput{Message: "hello world", Target: api.LogWarn, Data: map[string]any{"k": 1}})
	s.Log(api.LogStdout, "out")
	if got := logs.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "hello… [6 more bytes]") || !strings.Contains(got, "plugin=p") || !strings.Contains(got, "data.k=1") {
		t.Errorf("log record: %s", got)
	}
	if stdout.String() != "out\n" {
		t.Errorf("stdout target: %q", stdout.String())
	}
	if r, err := s.ToReal("/proto/tools"); err != nil || r != filepath.Join(dir, "tools") {
		t.Errorf("ToReal: %q %v", r, err)
	}
	if _, err := s.ToReal("/proto/../etc"); err == nil {
		t.Error("ToReal escaped the mounts")
	}
	if v, err := s.ToVirtual(filepath.Join(dir, "x")); err != nil || v != "/proto/x" {
		t.Errorf("ToVirtual: %q %v", v, err)
	}
	if _, err := s.ToVirtual("/etc"); err == nil {
		t.Error("ToVirtual of a path outside the mounts")
	}
}

func TestEnvHomeDirAndLazyDetection(t *testing.T) {
	t.Parallel()
	calls := 0
	s := New(Options{PluginID: "p", Mounts: vpath.ToolMounts("/h/.tote", "/h", "/w", "/h/.tote/temp"),
		DetectHostEnv: func() api.HostEnvironment {
			calls++
			return api.HostEnvironment{OS: api.OSLinux, HomeDir: api.NewVirtualPath(api.VirtualUserHome)}
		}})
	if calls != 0 {
		t.Fatal("the host was detected before it was needed")
	}
	env := s.Env()
	s.Env()
	if calls != 1 || env.OS != api.OSLinux || env.HomeDir.RealPrefix != "/h" {
		t.Fatalf("Env: %+v after %d detections", env, calls)
	}
}

// readOnly is a Files that refuses every write, as a sandbox does for a
// read-only mount.
type readOnly struct{ hostFiles }

func (readOnly) CreateFile(string, func(io.Writer) (int64, error)) (int64, error) {
	return 0, fmt.Errorf("read-only mount: %w", ErrDenied)
}

func TestFilesHook(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("data")) }))
	defer srv.Close()
	dir, outside := t.TempDir(), t.TempDir()
	mounts := vpath.Mounts{{Virtual: "/temp", Real: dir}}
	ctx := context.Background()

	// The default refuses a symbolic link that leads out of the mount.
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Skip(err)
	}
	s := New(Options{PluginID: "p", AllowedHosts: []string{"127.0.0.1"}, Mounts: mounts, Logger: quiet()})
	if _, err := s.Download(ctx, api.DownloadFileInput{URL: srv.URL, File: api.NewVirtualPath("/temp/link/f")}); !errors.Is(err, ErrDenied) {
		t.Fatalf("download through a link out of the mount: %v", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("wrote outside the mount: %v", entries)
	}
	// A Files implementation decides what is writable.
	s = New(Options{PluginID: "p", AllowedHosts: []string{"127.0.0.1"}, Mounts: mounts, Logger: quiet(), Files: readOnly{hostFiles{mounts}}})
	_, err := s.Download(ctx, api.DownloadFileInput{URL: srv.URL, File: api.NewVirtualPath("/temp/f")})
	if !errors.Is(err, ErrDenied) || !strings.Contains(err.Error(), "read-only mount") {
		t.Fatalf("read-only Files: %v", err)
	}
}

func TestWriteFileOnlyInOwnTemp(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	mounts := vpath.ToolMounts(home, t.TempDir(), t.TempDir(), filepath.Join(home, "temp"))
	s := New(Options{PluginID: "rust", Mounts: mounts, Logger: quiet()})
	ctx := context.Background()
	if err := s.WriteFile(ctx, "/temp/rust/dl/rustup-init", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(home, "temp", "rust", "dl", "rustup-init")); err != nil || string(b) != "x" {
		t.Fatalf("written: %q %v", b, err)
	}
	for _, p := range []string{"/temp/other/f", "/temp/rust", "/temp/rust/../other/f", "/proto/tools/x", "/cwd/f", "/etc/passwd"} {
		if err := s.WriteFile(ctx, p, []byte("x")); !errors.Is(err, ErrDenied) {
			t.Errorf("WriteFile(%q) = %v, want a denial", p, err)
		}
	}
}
