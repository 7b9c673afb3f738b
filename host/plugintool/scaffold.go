package plugintool

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/template"
)

// Module paths of the packages a scaffolded plugin requires.
const (
	SDKModule = "github.com/tote-dev/tote/sdk"
	APIModule = "github.com/tote-dev/tote/api"
	// PluginTestModule is the host-side test kit a scaffold's tests use; it
	// requires RootModule (tote's own toolchain).
	PluginTestModule = "github.com/tote-dev/tote/sdk/plugintest"
	RootModule       = "github.com/tote-dev/tote"
)

// SDKVersion is the version of SDKModule and APIModule a scaffolded go.mod
// requires when no local checkout is given (--sdk). It is a placeholder until
// the modules are published: `go mod tidy` then fails and NewPlugin warns.
const SDKVersion = "v0.1.0"

//go:embed templates
var templates embed.FS

var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9-]*$`) })

// ValidateName checks a plugin name: a lowercase letter, then lowercase
// letters, digits and hyphens. It becomes the module path, the directory, the
// tool id and (with "_") the artifact name.
func ValidateName(name string) error {
	if !nameRE().MatchString(name) {
		return fmt.Errorf("invalid plugin name %q: use a lowercase letter followed by lowercase letters, digits and '-' (for example my-tool)", name)
	}
	if strings.HasSuffix(name, "-") || strings.Contains(name, "--") {
		return fmt.Errorf("invalid plugin name %q: no trailing or doubled '-'", name)
	}
	return nil
}

// NewOptions configures NewPlugin.
type NewOptions struct {
	// Name is the plugin's name; see ValidateName.
	Name string
	// Dir is the directory to create (default: Name in the current directory).
	Dir string
	// SDKPath is a local tote checkout; when set, go.mod replaces SDKModule
	// and APIModule with its sdk/ and api/ directories (made absolute).
	SDKPath string
	// Tidy runs `go mod tidy` in the new module when go is on PATH.
	Tidy bool
	// Env is the environment of the go command; nil means os.Environ().
	Env GoEnv
}

// NewResult says what NewPlugin did.
type NewResult struct {
	// Dir is the absolute directory of the new module.
	Dir string
	// Files are the files written, relative to Dir, sorted.
	Files []string
	// Tidied is true when `go mod tidy` ran and succeeded.
	Tidied bool
	// Warnings are problems that did not stop scaffolding, such as a failed
	// `go mod tidy` while offline.
	Warnings []string
}

type scaffoldData struct {
	Name       string // my-tool
	Title      string // My Tool
	Artifact   string // my_tool.wasm
	SDKModule  string
	APIModule  string
	SDKVersion string
	SDKDir     string // absolute sdk/ of a local checkout, or ""
	APIDir     string
	RootDir    string // the checkout itself
	// PluginTestModule and RootModule are the test kit's module paths.
	PluginTestModule string
	RootModule       string
}

// NewPlugin scaffolds a buildable Go tool-plugin module. It refuses a
// directory that exists and is not empty, and writes nothing if a template
// fails. With opts.Tidy it then runs `go mod tidy` (GOFLAGS=-mod=mod); a
// failure there is a warning, not an error, so scaffolding works offline.
func NewPlugin(ctx context.Context, opts NewOptions) (*NewResult, error) {
	if err := ValidateName(opts.Name); err != nil {
		return nil, err
	}
	dir := opts.Dir
	if dir == "" {
		dir = opts.Name
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s already exists and is not empty: choose another name or --dir", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("check %s: %w", dir, err)
	}

	data := scaffoldData{
		Name:       opts.Name,
		Title:      title(opts.Name),
		Artifact:   ArtifactName(opts.Name),
		SDKModule:  SDKModule,
		APIModule:  APIModule,
		SDKVersion: SDKVersion,

		PluginTestModule: PluginTestModule,
		RootModule:       RootModule,
	}
	if opts.SDKPath != "" {
		root, err := filepath.Abs(opts.SDKPath)
		if err != nil {
			return nil, err
		}
		for _, sub := range []string{"sdk", "api"} {
			if _, err := os.Stat(filepath.Join(root, sub, "go.mod")); err != nil {
				return nil, fmt.Errorf("--sdk %s: not a tote checkout (no %s/go.mod): %w", opts.SDKPath, sub, err)
			}
		}
		data.SDKDir = filepath.ToSlash(filepath.Join(root, "sdk"))
		data.APIDir = filepath.ToSlash(filepath.Join(root, "api"))
		data.RootDir = filepath.ToSlash(root)
	}

	// Render everything before writing anything.
	files := map[string][]byte{}
	err = fs.WalkDir(templates, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := templates.ReadFile(p)
		if err != nil {
			return err
		}
		tmpl, err := template.New(p).Delims("[[", "]]").Parse(string(src))
		if err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, data); err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".tmpl")
		if rest, ok := strings.CutPrefix(rel, "dot-"); ok {
			rel = "." + rest // dot-gitignore → .gitignore (embed skips dot files)
		}
		files[rel] = buf.Bytes()
		return nil
	})
	if err != nil {
		return nil, err
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	res := &NewResult{Dir: dir}
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		res.Files = append(res.Files, rel)
	}
	slices.Sort(res.Files)
	if data.RootDir != "" {
		if err := seedGoSum(filepath.FromSlash(data.RootDir), filepath.Join(dir, "go.sum")); err != nil {
			return nil, err
		}
	}

	if opts.Tidy {
		if err := tidy(ctx, dir, opts.Env); err != nil {
			res.Warnings = append(res.Warnings, err.Error())
		} else {
			res.Tidied = true
		}
	}
	return res, nil
}

// seedGoSum writes dst from the go.sum files of the tote checkout at root,
// so that `go mod tidy` of a module that replaces tote's modules with that
// checkout finds every checksum it needs there instead of asking the
// checksum database (offline, the modules are in the module cache; tidy
// then drops the lines the plugin does not need).
func seedGoSum(root, dst string) error {
	seen := map[string]bool{}
	var lines []string
	for _, sub := range []string{".", "api", "sdk", "sdk/plugintest"} {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(sub), "go.sum"))
		if err != nil {
			continue // a checkout may lack some; tidy asks for what is missing
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !seen[l] {
				seen[l] = true
				lines = append(lines, l)
			}
		}
	}
	if len(lines) == 0 {
		return nil
	}
	slices.Sort(lines)
	if err := os.WriteFile(dst, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	return nil
}

// tidy runs `go mod tidy` in dir.
func tidy(ctx context.Context, dir string, env GoEnv) error {
	goBin, err := lookGo(env)
	if err != nil {
		return fmt.Errorf("go mod tidy skipped: %w", err)
	}
	cmd := exec.CommandContext(ctx, goBin, "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = env.with("GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go mod tidy in %s failed (%v); run it again when online, or scaffold with --sdk PATH to use a local tote checkout:\n%s",
			dir, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// title turns "my-tool" into "My Tool".
func title(name string) string {
	parts := strings.Split(name, "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, " ")
}
