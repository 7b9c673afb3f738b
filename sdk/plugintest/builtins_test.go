package plugintest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/plugins/nodepm/nodepmtest"
	"github.com/tote-dev/tote/plugins/poetry/poetrytest"
	"github.com/tote-dev/tote/plugins/python/pythontest"
	"github.com/tote-dev/tote/plugins/uv/uvtest"
	"github.com/tote-dev/tote/sdk/plugintest"
)

// publish serves the files a built-in's test mirror wrote under root: each
// upstream prefix maps to a sub-path of root; a directory's index.json or
// index.html is served as the directory's URL.
func publish(t *testing.T, m *plugintest.Mirror, root string, ups map[string]string) {
	t.Helper()
	for up, sub := range ups {
		base := filepath.Join(root, filepath.FromSlash(sub))
		filepath.Walk(base, func(p string, fi os.FileInfo, err error) error {
			if err != nil || fi.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(base, p)
			u := strings.TrimSuffix(up, "/") + "/" + filepath.ToSlash(rel)
			body, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if name := filepath.Base(p); name == "index.json" || name == "index.html" {
				dir := strings.TrimSuffix(u, "/"+name)
				for _, d := range []string{dir, strings.Replace(dir, "/@", "/@", 1)} {
					m.File(d, body)
					m.File(d+"/", body)
				}
				if i := strings.Index(dir, "/@"); i >= 0 {
					esc := dir[:i+1] + strings.Replace(dir[i+1:], "/", "%2f", 1)
					m.File(esc, body)
					m.File(esc+"/", body)
				}
				return nil
			}
			m.File(u, body)
			if strings.HasPrefix(rel, "@") { // @scope%2fname, as npm requests it
				m.File(strings.TrimSuffix(up, "/")+"/"+strings.Replace(filepath.ToSlash(rel), "/", "%2f", 1), body)
			}
			return nil
		})
	}
}

// TestBuiltinUV runs the plugintest suites, Globals included, on the WASM
// build of the built-in uv, offline against its mirrored releases.
func TestBuiltinUV(t *testing.T) {
	wasm := plugintest.Build(t, "../../plugins/uv/wasm")
	root := t.TempDir()
	ups, err := uvtest.Mirror(root)
	if err != nil {
		t.Fatal(err)
	}
	m := plugintest.NewMirror(t)
	publish(t, m, root, ups)
	p := plugintest.New(t, wasm, plugintest.ID("uv"), plugintest.UseMirror(m), plugintest.Grant("exec"))
	plugintest.ResolveVersions(t, p, map[string]string{"0.6": "0.6.14", "latest": "0.12.5", "^0.5": "0.5.31"})
	plugintest.DownloadInstall(t, p, "0.6.14", m)
	plugintest.Executables(t, p, "0.6.14", []string{"uv", "uvx"})
	plugintest.VersionFiles(t, p, map[plugintest.VersionFile]string{
		{Name: "uv.toml", Content: "required-version = \"==0.6.14\"\n"}:                "=0.6.14",
		{Name: "pyproject.toml", Content: "[tool.uv]\nrequired-version = \">=0.5\"\n"}: ">=0.5",
	})
	plugintest.Globals(t, p, "0.6.14", "ruff", "ruff")
}

// TestBuiltinNpm runs the suites on the WASM build of the built-in npm:
// the registry's documents and tarballs, and npm's global installs.
func TestBuiltinNpm(t *testing.T) {
	wasm := plugintest.Build(t, "../../plugins/nodepm/wasm/npm")
	root := t.TempDir()
	ups, err := nodepmtest.Mirror(root)
	if err != nil {
		t.Fatal(err)
	}
	m := plugintest.NewMirror(t)
	publish(t, m, root, ups)
	p := plugintest.New(t, wasm, plugintest.ID("npm"), plugintest.UseMirror(m), plugintest.Grant("exec"))
	plugintest.ResolveVersions(t, p, map[string]string{"10": "10.9.0", "latest": "12.2.3", "~10.8": "10.8.2"})
	plugintest.DownloadInstall(t, p, "10.9.0", m)
	plugintest.VersionFiles(t, p, map[plugintest.VersionFile]string{
		{Name: "package.json", Content: `{"packageManager": "npm@10.8.2"}`}: "10.8.2",
		{Name: "package.json", Content: `{"engines": {"npm": ">=10"}}`}:     ">=10",
	})
}

// TestBuiltinPython runs the suites on the WASM build of the built-in
// python against the mirrored python-build-standalone releases.
func TestBuiltinPython(t *testing.T) {
	wasm := plugintest.Build(t, "../../plugins/python/wasm")
	root := t.TempDir()
	ups, err := pythontest.Mirror(root)
	if err != nil {
		t.Fatal(err)
	}
	m := plugintest.NewMirror(t)
	publish(t, m, root, ups)
	p := plugintest.New(t, wasm, plugintest.ID("python"), plugintest.UseMirror(m), plugintest.Host("linux", "x64"), plugintest.Libc("gnu"))
	plugintest.ResolveVersions(t, p, map[string]string{"3.12": "3.12.14", "latest": "3.14.7", "3.12.4": "3.12.4"})
	plugintest.DownloadInstall(t, p, "3.12.4", m)
	plugintest.VersionFiles(t, p, map[plugintest.VersionFile]string{
		{Name: ".python-version", Content: "3.12\n3.11\n"}: "3.12",
		{Name: ".python-version", Content: "system\n"}:     "",
	})
}

// TestBuiltinPnpmYarn runs the suites on the WASM builds of pnpm and yarn.
func TestBuiltinPnpmYarn(t *testing.T) {
	root := t.TempDir()
	ups, err := nodepmtest.Mirror(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id, version string
		resolve     map[string]string
		files       map[plugintest.VersionFile]string
	}{
		{"pnpm", "9.1.0", map[string]string{"9": "9.15.9", "latest": "12.26.0", "9.1": "9.1.0"},
			map[plugintest.VersionFile]string{{Name: "package.json", Content: `{"packageManager": "pnpm@9.1.0"}`}: "9.1.0"}},
		{"yarn", "1.22.22", map[string]string{"1": "1.22.22", "latest": "4.18.1", "classic": "1.22.22", "berry": "4.18.1"},
			map[plugintest.VersionFile]string{{Name: "package.json", Content: `{"volta": {"yarn": "4.5.0"}}`}: "4.5.0"}},
	} {
		t.Run(c.id, func(t *testing.T) {
			wasm := plugintest.Build(t, "../../plugins/nodepm/wasm/"+c.id)
			m := plugintest.NewMirror(t)
			publish(t, m, root, ups)
			p := plugintest.New(t, wasm, plugintest.ID(c.id), plugintest.UseMirror(m))
			plugintest.ResolveVersions(t, p, c.resolve)
			plugintest.DownloadInstall(t, p, c.version, m)
			plugintest.VersionFiles(t, p, c.files)
		})
	}
}

// TestBuiltinPoetry installs Poetry with its (mirrored) installer and the
// machine's Python 3, through the WASM build of the built-in.
func TestBuiltinPoetry(t *testing.T) {
	if pythontest.RealPython() == "" {
		t.Skip("Poetry's installer needs a Python 3 with venv")
	}
	wasm := plugintest.Build(t, "../../plugins/poetry/wasm")
	root := t.TempDir()
	ups, err := poetrytest.Mirror(root)
	if err != nil {
		t.Fatal(err)
	}
	m := plugintest.NewMirror(t)
	publish(t, m, root, ups)
	p := plugintest.New(t, wasm, plugintest.ID("poetry"), plugintest.UseMirror(m), plugintest.Grant("exec"))
	plugintest.ResolveVersions(t, p, map[string]string{"1.8": "1.8.5", "latest": "2.1.3"})
	plugintest.DownloadInstall(t, p, "1.8.3", m)
	plugintest.VersionFiles(t, p, map[plugintest.VersionFile]string{
		{Name: ".poetry-version", Content: "1.8.3\n"}:                                     "1.8.3",
		{Name: "pyproject.toml", Content: "[tool.poetry]\nrequires-poetry = \">=2.0\"\n"}: ">=2.0",
	})
}
