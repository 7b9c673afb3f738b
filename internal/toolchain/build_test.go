package toolchain

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// buildEnv is a tool "alpha" whose plugin builds from source: the source
// archive is the mirror's alpha release, and steps are the instructions.
func buildEnv(t *testing.T, grant bool, steps ...api.BuildInstruction) (*env, *Manager) {
	t.Helper()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	e.builtins["alpha"].Table[api.FuncBuildInstructions] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.BuildInstructionsInput) (api.BuildInstructionsOutput, error) {
		v := in.Context.Version
		return api.BuildInstructionsOutput{
			Source:       &api.SourceLocation{Type: "archive", URL: fmt.Sprintf("%s/alpha/%s/alpha-%s.tar.gz", fixtureBase, v, v), Prefix: "alpha-" + v},
			Requirements: []api.BuildRequirement{{Type: api.RequireCommandExistsOnPath, Args: []string{"sh"}}},
			Instructions: steps,
		}, nil
	})
	if grant {
		e.writeGlobal("[tools.alpha]\npermissions = [\"exec\"]\n")
	}
	return e, e.manager()
}

func run(exe string, args ...string) api.BuildInstruction {
	return api.BuildInstruction{Type: api.BuildRunCommand, Command: &api.CommandInstruction{Exe: exe, Args: args}}
}

// The build flow, as proto runs it: the source archive unpacked without its
// prefix, set-env-var reaching later commands, commands in the install
// directory, files moved, made executable and pruned; then the tool is
// located and installed like any other.
func TestBuildFromSource(t *testing.T) {
	t.Parallel()
	_, m := buildEnv(t, true,
		api.BuildInstruction{Type: api.BuildSetEnvVar, Name: "GREETING", Value: "built"},
		run("sh", "-c", `mkdir -p out && printf '#!/bin/sh\necho %s\n' "$GREETING" > out/alpha && echo junk > junk`),
		api.BuildInstruction{Type: api.BuildMoveFile, Paths: []string{"out/alpha", "bin/alpha"}},
		api.BuildInstruction{Type: api.BuildMakeExecutable, Paths: []string{"bin/alpha"}},
		api.BuildInstruction{Type: api.BuildRemoveAllExcept, Paths: []string{"bin/alpha"}},
	)
	res, err := m.InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{Strategy: StrategyBuild})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(res.Dir, "bin", "alpha"))
	if err != nil || string(b) != "#!/bin/sh\necho built\n" {
		t.Fatalf("bin/alpha = %q, %v", b, err)
	}
	for _, gone := range []string{"junk", "out"} {
		if _, err := os.Stat(filepath.Join(res.Dir, gone)); err == nil {
			t.Errorf("%s survived remove-all-except", gone)
		}
	}
	if fi, _ := os.Stat(filepath.Join(res.Dir, "bin", "alpha")); fi == nil || fi.Mode()&0o111 == 0 {
		t.Errorf("bin/alpha is not executable")
	}
	if rec, ok := m.InstalledRecord("alpha", "1.0.0"); !ok || !strings.HasSuffix(rec.SourceURL, "/alpha-1.0.0.tar.gz") || !strings.HasPrefix(rec.Checksum, "sha256:") {
		t.Errorf("record %+v", rec)
	}
}

// A hostile build_instructions: every path is held inside the install
// directory, URLs are http(s) only, names are checked, and nothing
// outside the install directory is touched; the install fails, naming
// the plugin and the value, and leaves nothing installed.
func TestBuildFromSourceHostile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		step api.BuildInstruction
		src  *api.SourceLocation
		want string
	}{
		{"move out", api.BuildInstruction{Type: api.BuildMoveFile, Paths: []string{"bin/alpha", "../../../escaped"}}, nil, `move-file destination "../../../escaped" leads out`},
		{"chmod virtual outside", api.BuildInstruction{Type: api.BuildMakeExecutable, Paths: []string{"/userhome/victim"}}, nil, `make-executable path "/userhome/victim" is outside the install directory`},
		{"remove home", api.BuildInstruction{Type: api.BuildRemoveDir, Paths: []string{"/userhome"}}, nil, "is outside the install directory"},
		{"remove tote", api.BuildInstruction{Type: api.BuildRemoveDir, Paths: []string{"/proto"}}, nil, "is outside the install directory"},
		{"remove all", api.BuildInstruction{Type: api.BuildRemoveDir, Paths: []string{"."}}, nil, "would remove the whole install directory"},
		{"keep outside", api.BuildInstruction{Type: api.BuildRemoveAllExcept, Paths: []string{"../victim"}}, nil, "leads out"},
		{"script file url", api.BuildInstruction{Type: api.BuildRequestScript, URL: "file:///etc/passwd"}, nil, "is not an http(s) URL"},
		{"cwd outside", api.BuildInstruction{Type: api.BuildRunCommand, Command: &api.CommandInstruction{Exe: "sh", Args: []string{"-c", "touch pwned"}, Cwd: &api.VirtualPath{Path: "/userhome"}}}, nil, "run-command cwd"},
		{"exe outside", run("../../../../bin/sh", "-c", "touch pwned"), nil, "leads out"},
		{"env name", api.BuildInstruction{Type: api.BuildSetEnvVar, Name: "A=B", Value: "x"}, nil, "is not a variable name"},
		{"builder name", api.BuildInstruction{Type: api.BuildInstallBuilder, Builder: &api.BuilderInstruction{ID: "../../x", Exe: "x", Git: api.GitSource{URL: "https://example.com/x.git"}}}, nil, "builder id"},
		{"unknown builder", api.BuildInstruction{Type: api.BuildRunCommand, Command: &api.CommandInstruction{Exe: "nope", Builder: true}}, nil, "no install-builder step installed"},
		{"git ext transport", api.BuildInstruction{Type: api.BuildSetEnvVar, Name: "X", Value: "y"}, &api.SourceLocation{Type: "git", URL: "ext::sh -c touch% /tmp/pwned"}, "is not an http(s) URL"},
		{"git option ref", api.BuildInstruction{Type: api.BuildSetEnvVar, Name: "X", Value: "y"}, &api.SourceLocation{Type: "git", URL: "https://example.com/x.git", Reference: "--upload-pack=touch /tmp/pwned"}, "is not a branch, tag or commit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e, m := buildEnv(t, true, c.step)
			if c.src != nil {
				src := c.src
				e.builtins["alpha"].Table[api.FuncBuildInstructions] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.BuildInstructionsInput) (api.BuildInstructionsOutput, error) {
					return api.BuildInstructionsOutput{Source: src, Instructions: []api.BuildInstruction{c.step}}, nil
				})
				m = e.manager()
			}
			victim := filepath.Join(e.userHome, "victim")
			if err := os.WriteFile(victim, []byte("keep"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := m.InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{Strategy: StrategyBuild})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if fi, err := os.Stat(victim); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("the file outside was touched: %v %v", fi, err)
			}
			for _, p := range []string{filepath.Join(e.userHome, "pwned"), filepath.Join(filepath.Dir(e.userHome), "escaped"), e.home} {
				if p == e.home {
					if _, err := os.Stat(filepath.Join(p, ".prototools")); err != nil {
						t.Errorf("tote's config is gone: %v", err)
					}
					continue
				}
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was created", p)
				}
			}
			if m.IsInstalled("alpha", "1.0.0") {
				t.Errorf("installed after a failed build")
			}
		})
	}
}

// Without the exec grant a build that runs commands is refused before the
// source is downloaded, with the line that grants it; a plugin without
// build_instructions cannot build.
func TestBuildFromSourceNeedsGrant(t *testing.T) {
	t.Parallel()
	e, m := buildEnv(t, false, run("make", "-j4"))
	_, err := m.InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{Strategy: StrategyBuild})
	if err == nil || !strings.Contains(err.Error(), `building from source runs "make -j4", and exec is not granted`) || !strings.Contains(hintOf(err), `permissions = ["exec"]`) {
		t.Fatalf("err = %v (hint %q)", err, hintOf(err))
	}
	if n := e.mirror.Requests(); len(n) != 0 {
		t.Errorf("requests before the refusal: %v", n)
	}
	delete(e.builtins["alpha"].Table, api.FuncBuildInstructions)
	_, err = e.manager().InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{Strategy: StrategyBuild})
	if err == nil || !strings.Contains(err.Error(), "cannot build from source") {
		t.Fatalf("err = %v", err)
	}
}

func hintOf(err error) string {
	if h, ok := err.(interface{ Hint() string }); ok {
		return h.Hint()
	}
	return ""
}

// proto's system dependency shapes (system-env's SystemDependency).
func TestSystemDependencyNames(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		`"make"`:                           "make",
		`["python3","make"]`:               "python3 make",
		`{"apt":"g++-12","brew":"gcc@12"}`: "g++-12",
		`{"all":["git"]}`:                  "git",
		`{"dep":["python3","make"],"manager":"apt"}`: "python3 make",
		`{"dep":["gcc@12"],"manager":"brew"}`:        "",
		`{"dep":{"apt":["a","b"]},"os":"linux"}`:     "a b",
		`{"dep":"x","os":"macos"}`:                   "",
		`42`:                                         "",
	} {
		if got := strings.Join(systemDependencyNames([]byte(raw), "apt", "linux"), " "); got != want {
			t.Errorf("%s: got %q, want %q", raw, got, want)
		}
	}
}

// A bare install with --build installs the pinned tools that can build and
// skips the others, as proto's install --build does.
func TestBareInstallBuildFilters(t *testing.T) {
	t.Parallel()
	e, _ := buildEnv(t, true, run("sh", "-c", "true"))
	e.republish("beta", "1.0.0", "")
	e.builtins["beta"] = Builtin{ID: "beta", Table: e.table("beta", []string{"1.0.0"})}
	e.writeProject("alpha = \"1.0.0\"\nbeta = \"1.0.0\"\n")
	m := e.manager()
	out, err := m.InstallTools(context.Background(), InstallRequest{Options: InstallOptions{Strategy: StrategyBuild}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Tool != "alpha" || out[0].Err != nil {
		t.Fatalf("outcomes = %+v", out)
	}
}

// Requirements are checked as proto checks them, each failure listed, and
// nothing is downloaded when one fails.
func TestBuildRequirements(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fancytool"), []byte("#!/bin/sh\necho \"fancytool version 1.2.3 (build 7)\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, c := range []struct {
		reqs []api.BuildRequirement
		want string
	}{
		{[]api.BuildRequirement{{Type: api.RequireCommandVersion, Args: []string{"fancytool", ">=1.2", ""}}}, ""},
		{[]api.BuildRequirement{{Type: api.RequireCommandVersion, Args: []string{"fancytool", ">=2.0", "--version"}}}, "command fancytool does not meet the required version >=2.0, found 1.2.3"},
		{[]api.BuildRequirement{
			{Type: api.RequireCommandExistsOnPath, Args: []string{"no-such-tool-xyz"}},
			{Type: api.RequireCommandVersion, Args: []string{"also-missing-xyz", "^1", ""}},
		}, "command no-such-tool-xyz does not exist on PATH, please install it and try again; command also-missing-xyz does not exist on PATH"},
		{[]api.BuildRequirement{{Type: "future-requirement"}}, `unsupported build requirement "future-requirement"`},
	} {
		e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
		reqs := c.reqs
		e.builtins["alpha"].Table[api.FuncBuildInstructions] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.BuildInstructionsInput) (api.BuildInstructionsOutput, error) {
			return api.BuildInstructionsOutput{
				Source:       &api.SourceLocation{Type: "archive", URL: fixtureBase + "/alpha/1.0.0/alpha-1.0.0.tar.gz", Prefix: "alpha-1.0.0"},
				Requirements: reqs,
			}, nil
		})
		e.writeGlobal("[tools.alpha]\npermissions = [\"exec\"]\n")
		_, err := e.manager().InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{Strategy: StrategyBuild})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", reqs, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: err = %v, want %q", reqs, err, c.want)
		case c.want != "" && len(e.mirror.Requests()) != 0:
			t.Errorf("%+v: downloaded %v after a failed requirement", reqs, e.mirror.Requests())
		}
	}
}

// A Git source and a builder, as proto clones them: over http from the
// mirror (a bare repository served by the dumb protocol), through the
// url-rewrites, at a tag; the builder's executable runs a build step.
func TestBuildFromGit(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	work := t.TempDir()
	gitRun := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t", "GIT_CONFIG_NOSYSTEM=1", "HOME="+work)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitRun(work, "init", "-q", "-b", "main", "src")
	src := filepath.Join(work, "src")
	os.MkdirAll(filepath.Join(src, "tools"), 0o755)
	os.WriteFile(filepath.Join(src, "VERSION"), []byte("from-git\n"), 0o644)
	os.WriteFile(filepath.Join(src, "tools", "make-alpha"), []byte("#!/bin/sh\nmkdir -p bin && printf '#!/bin/sh\\necho %s\\n' \"$(cat VERSION)\" > bin/alpha && chmod 755 bin/alpha\n"), 0o644)
	gitRun(src, "add", ".")
	gitRun(src, "commit", "-q", "-m", "v1")
	gitRun(src, "tag", "v1.0.0")
	os.WriteFile(filepath.Join(src, "VERSION"), []byte("later\n"), 0o644)
	gitRun(src, "commit", "-q", "-am", "later")
	bare := filepath.Join(e.mirror.Root, "dl", "git", "alpha.git")
	gitRun(work, "clone", "-q", "--bare", src, bare)
	gitRun(bare, "update-server-info")
	e.builtins["alpha"].Table[api.FuncBuildInstructions] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.BuildInstructionsInput) (api.BuildInstructionsOutput, error) {
		repo := api.GitSource{URL: fixtureBase + "/git/alpha.git", Reference: "v1.0.0"}
		return api.BuildInstructionsOutput{
			Source: &api.SourceLocation{Type: "git", URL: repo.URL, Reference: repo.Reference},
			Instructions: []api.BuildInstruction{
				{Type: api.BuildInstallBuilder, Builder: &api.BuilderInstruction{ID: "alpha-maker", Exe: "tools/make-alpha", Git: repo}},
				{Type: api.BuildRunCommand, Command: &api.CommandInstruction{Exe: "alpha-maker", Builder: true}},
			},
		}, nil
	})
	e.writeGlobal("[tools.alpha]\npermissions = [\"exec\"]\n")
	m := e.manager()
	res, err := m.InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{Strategy: StrategyBuild})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(res.Dir, "bin", "alpha"))
	if err != nil || !strings.Contains(string(b), "echo from-git") {
		t.Fatalf("bin/alpha = %q, %v", b, err)
	}
	if rec, _ := m.InstalledRecord("alpha", "1.0.0"); rec.SourceURL != fixtureBase+"/git/alpha.git#v1.0.0" {
		t.Errorf("source %q", rec.SourceURL)
	}
	if _, err := os.Stat(filepath.Join(e.home, "builders", "alpha-maker", "tools", "make-alpha")); err != nil {
		t.Errorf("builder checkout: %v", err)
	}
}
