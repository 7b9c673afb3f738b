package services

import (
	"context"
	"errors"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// gitRepo is a bare repository with two branches, a lightweight tag and
// two annotated tags, built once with the git binary (the test's oracle).
var gitRepo = sync.OnceValues(func() (string, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "tote-git-ls-remote-")
	if err != nil {
		return "", err
	}
	work := filepath.Join(dir, "work")
	bare := filepath.Join(dir, "repo.git")
	steps := [][]string{
		{"init", "-q", "-b", "main", work},
		{"-C", work, "commit", "-q", "--allow-empty", "-m", "one"},
		{"-C", work, "tag", "v1.0.0"},
		{"-C", work, "commit", "-q", "--allow-empty", "-m", "two"},
		{"-C", work, "tag", "-a", "-m", "release 1.1", "v1.1.0"},
		{"-C", work, "branch", "release-1.x"},
		{"-C", work, "commit", "-q", "--allow-empty", "-m", "three"},
		{"-C", work, "tag", "-a", "-m", "rc", "v2.0.0-rc.1"},
		{"clone", "-q", "--bare", work, bare},
		{"-C", bare, "update-server-info"},
	}
	for _, args := range steps {
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", &exec.Error{Name: "git " + strings.Join(args, " ") + ": " + string(out), Err: err}
		}
	}
	return bare, nil
})

func needRepo(t *testing.T) string {
	t.Helper()
	repo, err := gitRepo()
	if err != nil {
		t.Skipf("git is needed to build the test repository: %v", err)
	}
	return repo
}

// gitOracle is what the git binary prints for the repository.
func gitOracle(t *testing.T, repo string, args []string, patterns ...string) string {
	t.Helper()
	argv := append(append(append([]string{"ls-remote"}, args...), repo), patterns...)
	out, err := exec.Command("git", argv...).Output()
	if err != nil {
		t.Fatalf("git ls-remote %v: %v", args, err)
	}
	return string(out)
}

// smartServer serves the repository's parent with git http-backend over
// CGI; v0 strips the Git-Protocol header, so the server answers with the
// version 0 advertisement.
func smartServer(t *testing.T, repo string, v0 bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	execPath, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skipf("git --exec-path: %v", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(execPath)), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		t.Skipf("no git-http-backend: %v", err)
	}
	h := &cgi.Handler{
		Path: backend,
		Env:  []string{"GIT_PROJECT_ROOT=" + filepath.Dir(repo), "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"},
	}
	var posts atomic.Int32 // ls-refs requests (protocol version 2 only)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v0 {
			r.Header.Del("Git-Protocol")
		}
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &posts
}

func gitServices(allowed ...string) *Services {
	if allowed == nil {
		allowed = []string{"127.0.0.1"}
	}
	return New(Options{PluginID: "git-test", AllowedHosts: allowed})
}

func TestGitLsRemoteAgainstGit(t *testing.T) {
	t.Parallel()
	repo := needRepo(t)
	smart, v2posts := smartServer(t, repo, false)
	smartV0, v0posts := smartServer(t, repo, true)
	dumb := httptest.NewServer(http.FileServer(http.Dir(filepath.Dir(repo))))
	t.Cleanup(dumb.Close)

	cases := []struct {
		name string
		opts LsRemoteOptions
		args []string
	}{
		{"all", LsRemoteOptions{}, nil},
		{"tags", LsRemoteOptions{Tags: true}, []string{"--tags"}},
		{"heads", LsRemoteOptions{Heads: true}, []string{"--heads"}},
		{"tags and heads", LsRemoteOptions{Tags: true, Heads: true}, []string{"--tags", "--heads"}},
	}
	servers := map[string]string{"smart v2": smart.URL, "smart v0": smartV0.URL, "dumb": dumb.URL}
	for proto, base := range servers {
		for _, c := range cases {
			t.Run(proto+"/"+c.name, func(t *testing.T) {
				refs, err := gitServices().GitLsRemote(context.Background(), base+"/repo.git", c.opts)
				if err != nil {
					t.Fatal(err)
				}
				got, want := FormatLsRemote(refs), gitOracle(t, repo, c.args)
				if got != want {
					t.Errorf("differs from git ls-remote %v:\n got:\n%s\nwant:\n%s", c.args, got, want)
				}
			})
		}
	}

	if v2posts.Load() == 0 || v0posts.Load() != 0 {
		t.Errorf("ls-refs requests: %d over version 2 (want some), %d over version 0 (want none)", v2posts.Load(), v0posts.Load())
	}

	// Patterns match at the end of the name, like git's.
	refs, err := gitServices().GitLsRemote(context.Background(), smart.URL+"/repo.git", LsRemoteOptions{Tags: true, Patterns: []string{"v1.*"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := FormatLsRemote(refs), gitOracle(t, repo, []string{"--tags"}, "v1.*"); got != want {
		t.Errorf("patterns: got\n%s\nwant\n%s", got, want)
	}
}

func TestGitLsRemoteRewriteAndPolicy(t *testing.T) {
	t.Parallel()
	repo := needRepo(t)
	smart, _ := smartServer(t, repo, false)

	// url-rewrites take a public URL to the local mirror.
	s := New(Options{PluginID: "git-test", AllowedHosts: []string{"127.0.0.1"},
		Rewrite: func(u string) string { return strings.Replace(u, "https://github.com/example", smart.URL, 1) }})
	refs, err := s.GitLsRemote(context.Background(), "https://github.com/example/repo.git", LsRemoteOptions{Tags: true})
	if err != nil || len(refs) != 3 {
		t.Fatalf("through url-rewrites: %d refs, %v", len(refs), err)
	}

	// A host off the allow-list is denied before any request.
	_, err = gitServices("example.com").GitLsRemote(context.Background(), smart.URL+"/repo.git", LsRemoteOptions{})
	if !errors.Is(err, ErrDenied) {
		t.Fatalf("want a denial, got %v", err)
	}
	// git:// and ssh are not HTTP.
	for _, u := range []string{"git://127.0.0.1/repo.git", "ssh://git@127.0.0.1/repo.git", "file:///etc"} {
		if _, err := gitServices().GitLsRemote(context.Background(), u, LsRemoteOptions{}); err == nil || !strings.Contains(err.Error(), "only http and https") {
			t.Errorf("%s: %v", u, err)
		}
	}
	// A redirect to a host off the allow-list is denied on that hop.
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:1"+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(redir.Close)
	_, err = gitServices().GitLsRemote(context.Background(), redir.URL+"/repo.git", LsRemoteOptions{})
	if !errors.Is(err, ErrDenied) || !strings.Contains(err.Error(), `may not reach host "localhost"`) {
		t.Fatalf("redirect off the allow-list: %v", err)
	}
	var se *Error
	if !errors.As(err, &se) || se.Function != FuncGitLsRemote {
		t.Fatalf("want an *Error of %s, got %T %v", FuncGitLsRemote, err, err)
	}
}

func TestGitLsRemoteHostileServers(t *testing.T) {
	t.Parallel()
	const adv = "application/x-git-upload-pack-advertisement"
	hash := strings.Repeat("a", 40)
	cases := []struct {
		name, ctype, body string
		status            int
		want              string
	}{
		{"not found", "text/plain", "nope", 404, "HTTP status 404"},
		{"html page", "text/html", "<html>hello</html>", 200, "not a Git repository"},
		{"bad pkt length", adv, "zzzz", 200, "malformed pkt-line length"},
		{"length 3", adv, "0003", 200, "malformed pkt-line length 0003"},
		{"truncated pkt", adv, "00ffabc", 200, "truncated pkt-line"},
		{"no flush", adv, "001e# service=git-upload-pack\n0000", 200, "no flush"},
		{"wrong service", adv, "001f# service=git-receive-pack\n0000", 200, "unexpected service announcement"},
		{"bad ref line", adv, "001e# service=git-upload-pack\n0000000bnotaref0000", 200, "malformed reference line"},
		{"v2 without ls-refs", adv, "000eversion 2\n0011fetch=shallow0000", 200, "without ls-refs"},
		{"dumb with a space", "text/plain", hash + "\trefs/heads/a b\n", 200, "unexpected info/refs line"},
		{"too large", "text/plain", strings.Repeat(hash+"\trefs/tags/x\n", 2000), 200, "exceeds"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", c.ctype)
				w.WriteHeader(c.status)
				w.Write([]byte(c.body))
			}))
			defer srv.Close()
			s := New(Options{PluginID: "git-test", AllowedHosts: []string{"127.0.0.1"}, Limits: Limits{MaxBodyBytes: 64 << 10}})
			_, err := s.GitLsRemote(context.Background(), srv.URL+"/r.git", LsRemoteOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if !strings.Contains(err.Error(), "git ls-remote "+srv.URL+"/r.git") {
				t.Errorf("error does not name the repository: %v", err)
			}
		})
	}
}

func TestGitLsRemoteCancelled(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := gitServices().GitLsRemote(ctx, srv.URL+"/r.git", LsRemoteOptions{})
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}
