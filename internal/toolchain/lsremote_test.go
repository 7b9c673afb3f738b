package toolchain

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
)

// gitRepo makes a repository with branches, lightweight and annotated tags
// whose names sort differently by name and by version.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: cannot compare with git's own output")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@e",
			"GIT_AUTHOR_DATE=2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2024-01-01T00:00:00Z", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q", "-b", "main")
	for i, tag := range []string{"v1.2.0", "v1.10.0", "v1.9.0", "bun-v1.3.2", "bun-v1.3.10", "v2.0.0-rc.1", "v2.0.0", "1.0.0", "release-0.1", "v1.02"} {
		if err := os.WriteFile(filepath.Join(dir, "f"), []byte(tag), 0o644); err != nil {
			t.Fatal(err)
		}
		run("add", "f")
		run("commit", "-q", "-m", tag)
		if i%2 == 0 {
			run("tag", "-a", "-m", tag, tag)
		} else {
			run("tag", tag)
		}
	}
	run("branch", "feature/x")
	run("branch", "v1.x")
	return dir
}

func gitLsRemote(t *testing.T, repo string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("git", append(append([]string{"ls-remote"}, args...), repo)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// refsOf reads git's own full listing (with --symref) back into refs, as
// the host's client returns them.
func refsOf(listing string) []LsRef {
	var refs []LsRef
	target := ""
	for _, l := range strings.Split(strings.TrimSuffix(listing, "\n"), "\n") {
		hash, name, _ := strings.Cut(l, "\t")
		if t, ok := strings.CutPrefix(hash, "ref: "); ok {
			target = t
			continue
		}
		if base, ok := strings.CutSuffix(name, "^{}"); ok && len(refs) > 0 && refs[len(refs)-1].Name == base {
			refs[len(refs)-1].Peeled = hash
			continue
		}
		refs = append(refs, LsRef{Name: name, Hash: hash, Target: target})
		target = ""
	}
	return refs
}

// The host's ls-remote prints what git prints, byte for byte, for every
// form proto's plugins use and the other flags git accepts.
func TestLsRemoteMatchesGit(t *testing.T) {
	repo := gitRepo(t)
	all, _ := gitLsRemote(t, repo, "--symref")
	refs := refsOf(all)
	for _, args := range [][]string{
		{"--tags", "--sort", "version:refname"}, // proto's load_git_tags
		{"--tags"},
		{"--heads"},
		{"-t", "-h"},
		{"--refs"},
		{"--tags", "--refs", "--sort=version:refname"},
		{"--sort=-version:refname", "--tags"},
		{"--sort=refname"},
		{"--symref"},
		{},
		{"--exit-code", "--heads", "--", "nomatch"},
		{"--tags", "--", "v1*"},
		{"--tags", "--", "bun-v1.3.2"},
		{"-q", "--tags", "--", "*.0"},
	} {
		var patterns []string
		flags := args
		for i, a := range args {
			if a == "--" {
				flags, patterns = args[:i], args[i+1:]
			}
		}
		// git takes patterns after the repository.
		cmd := exec.Command("git", append(append(append([]string{"ls-remote"}, flags...), repo), patterns...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
		out, err := cmd.Output()
		want, wantCode := string(out), 0
		if ee, ok := err.(*exec.ExitError); ok {
			wantCode = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		in := api.ExecCommandInput{Command: "git", Args: append(append(append([]string{"ls-remote"}, flags...), "https://example.com/repo.git"), patterns...)}
		req, ok := parseLsRemote(in)
		if !ok {
			t.Errorf("%v: not recognised as git ls-remote", args)
			continue
		}
		got, code := formatLsRemote(refs, req)
		if got != want || code != wantCode {
			t.Errorf("git ls-remote %v:\ngot (exit %d):\n%s\nwant (exit %d):\n%s", args, code, got, wantCode, want)
		}
	}
}

func TestParseLsRemoteRefuses(t *testing.T) {
	for _, in := range []api.ExecCommandInput{
		{Command: "git", Args: []string{"clone", "https://x/y"}},
		{Command: "git", Args: []string{"ls-remote", "--upload-pack=touch /tmp/x", "https://x/y"}},
		{Command: "git", Args: []string{"ls-remote", "ext::sh -c touch% /tmp/pwned"}},
		{Command: "git", Args: []string{"ls-remote", "file:///etc"}},
		{Command: "git", Args: []string{"ls-remote", "--tags"}},
		{Command: "git", Args: []string{"ls-remote", "--sort=committerdate", "https://x/y"}},
		{Command: "/usr/bin/git", Args: []string{"ls-remote", "https://x/y"}},
		{Command: "git", Args: []string{"ls-remote", "https://x/y"}, Shell: "bash"},
	} {
		if req, ok := parseLsRemote(in); ok {
			t.Errorf("%v served in the host: %+v", in.Args, req)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"v1.9", "v1.10", -1}, {"v1.10", "v1.9", 1}, {"a", "a", 0},
		{"v1.0", "v1.0^{}", -1}, {"1.01", "1.1", -1}, {"1.002", "1.01", -1},
		{"v2", "v10", -1}, {"abc", "abd", -1},
	} {
		if got := versionCompare(tc.a, tc.b); (got < 0) != (tc.want < 0) || (got > 0) != (tc.want > 0) {
			t.Errorf("versionCompare(%q, %q) = %d, want sign %d", tc.a, tc.b, got, tc.want)
		}
	}
}
