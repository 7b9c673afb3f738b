package poetry_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/poetry"
	"github.com/tote-dev/tote/plugins/poetry/poetrytest"
)

func TestSemver(t *testing.T) {
	for pep, sem := range map[string]string{"1.8.3": "1.8.3", "1.2.0rc1": "1.2.0-rc.1", "1.2.0a2": "1.2.0-a.2", "1.2.0b3": "1.2.0-b.3"} {
		if got := poetry.Semver(pep); got != sem {
			t.Errorf("Semver(%q) = %q", pep, got)
		}
		if got := poetry.PEP440(sem); got != pep {
			t.Errorf("PEP440(%q) = %q", sem, got)
		}
	}
}

func TestConformance(t *testing.T) {
	root := t.TempDir()
	if _, err := poetrytest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	c := func(v string) api.Context {
		return api.Context{ToolDir: api.NewVirtualPath("/proto/tools/poetry"), TempDir: api.NewVirtualPath("/temp"), WorkingDir: api.NewVirtualPath("/cwd"), Version: v}
	}
	dir := api.VirtualPath{Path: "/proto/tools/poetry/1.8.3", VirtualPrefix: "/proto", RealPrefix: "/home/u/.tote"}
	install := func(name, v string, d api.VirtualPath, cfg map[string]any, wantErr string) conformance.Case {
		return conformance.Case{Name: name, Env: conformance.Linux64, Fn: api.FuncNativeInstall, Config: cfg, WantErr: wantErr,
			Input: api.NativeInstallInput{Context: c(v), InstallDir: d}}
	}
	parse := func(name, file, content, wantErr string) conformance.Case {
		return conformance.Case{Name: name, Env: conformance.Linux64, Fn: api.FuncParseVersionFile, WantErr: wantErr,
			Input: api.ParseVersionFileInput{Context: c(""), File: file, Content: content}}
	}
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "poetry"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Context: c("")}},
		{Name: "detect", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{Context: c("")}},
		{Name: "locate", Env: conformance.Linux64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{Context: c("1.8.3")}},
		{Name: "locate windows", Env: conformance.Win64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{Context: c("1.8.3")}},
		{Name: "no prebuilt", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: api.DownloadPrebuiltInput{Context: c("1.8.3")}, WantErr: "poetry has no prebuilt archive"},
		install("alias", "latest", dir, nil, "native_install needs one resolved version"),
		install("no real path", "1.8.3", api.NewVirtualPath("/proto/tools/poetry/1.8.3"), nil, "gave no real path"),
		install("not the installer", "1.8.3", dir, map[string]any{"installer-url": "https://api.github.com/repos/python-poetry/poetry/tags"}, "is not Poetry's installer"),
		install("installer 404", "1.8.3", dir, map[string]any{"installer-url": "https://install.python-poetry.org/missing"}, "cannot download the installer"),
		install("bad installer url", "1.8.3", dir, map[string]any{"installer-url": "file:///etc/passwd"}, "is not an http(s) URL"),
		parse("poetry-version", ".poetry-version", "# pinned\n1.8.3\n", ""),
		parse("poetry-version rc", ".poetry-version", "1.2.0rc1\n", ""),
		parse("poetry-version garbage", ".poetry-version", "soon\n", `.poetry-version:1: "soon" is not a Poetry version`),
		parse("pyproject", "pyproject.toml", "[tool.poetry]\nrequires-poetry = \">=2.0,<3\"\n", ""),
		parse("pyproject without pin", "pyproject.toml", "[tool.poetry]\nname = \"app\"\n", ""),
		parse("pyproject not toml", "pyproject.toml", "[tool.poetry\n", ""),
		parse("pyproject bad", "pyproject.toml", "[tool.poetry]\nrequires-poetry = \"two\"\n", "is not a Poetry version specifier"),
	}
	conformance.Run(t, conformance.Suite{
		ID: "poetry", Table: poetry.Table, WasmDir: "wasm", MirrorRoot: filepath.Join(root, "poetry"),
		Upstreams: []string{"https://api.github.com/repos/python-poetry/poetry/", "https://install.python-poetry.org/"},
		Cases:     cases,
	})
}
