package nodepm

import (
	"context"
	"path"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/globals"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// GlobalsDir is where tote keeps a package manager's global packages,
// outside every version directory so that they survive version switches;
// executables land in its bin (on Windows npm puts them at its root).
func GlobalsDir(id string) string { return globals.Dir(id) }

// entries lists the JavaScript entry points of a version, by executable
// name, relative to the unpacked package (what the registry's "bin" maps
// name: npm's bin/npm-cli.js, pnpm's bin/pnpm.cjs (.js before 6, .mjs
// from 11, with the pn and pnx aliases), yarn's bin/yarn.js for yarn and
// yarnpkg.
func entries(r release) map[string]string {
	switch r.kind {
	case Npm:
		e := map[string]string{"npm": "bin/npm-cli.js"}
		if sdk.CompareVersions(r.version, "5.2.0") >= 0 {
			e["npx"] = "bin/npx-cli.js"
		}
		return e
	case Pnpm:
		ext := ".cjs"
		switch {
		case r.major < 6:
			ext = ".js"
		case r.major >= 11:
			ext = ".mjs"
		}
		e := map[string]string{"pnpm": "bin/pnpm" + ext, "pnpx": "bin/pnpx" + ext}
		if r.major >= 11 {
			e["pn"], e["pnx"] = e["pnpm"], e["pnpx"]
		}
		return e
	case Yarn:
		return map[string]string{"yarn": "bin/yarn.js", "yarnpkg": "bin/yarn.js"}
	}
	return nil
}

// locateExecutables names each entry point, run through "node"; pnpm 12
// and later is one native binary, which pnpx and pnx run as "pnpm dlx".
// The shims of npm, pnpm and yarn point their global installs at the
// tool's globals directory (see [GlobalsDir]).
func locateExecutables(h pluginhost.Host, k Kind, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	r, err := releaseOf(h, k, in.Context.Version)
	if err != nil {
		return api.LocateExecutablesOutput{}, err
	}
	env := h.Env()
	out := api.LocateExecutablesOutput{Exes: map[string]api.ExecutableConfig{}}
	globals := GlobalsDir(h.ToolID())
	shimEnv := globalsEnv(k, env, globals)
	if r.native {
		exe := sdk.ExeName(env, "pnpm")
		out.Exes["pnpm"] = api.ExecutableConfig{ExePath: exe, Primary: true, ShimEnvVars: shimEnv}
		out.Exes["pn"] = api.ExecutableConfig{ExePath: exe, ExeLinkPath: exe, ShimEnvVars: shimEnv}
		for _, n := range []string{"pnpx", "pnx"} {
			out.Exes[n] = api.ExecutableConfig{ExePath: exe, NoBin: true, ShimBeforeArgs: api.StringOrSlice{"dlx"}, ShimEnvVars: shimEnv}
		}
	} else {
		for name, file := range entries(r) {
			out.Exes[name] = api.ExecutableConfig{
				ExePath:       path.Clean(file),
				ParentExeName: "node",
				Primary:       name == k.String(),
				ShimEnvVars:   shimEnv,
			}
		}
	}
	out.GlobalsLookupDirs = []string{sdk.ForNative(env, globals+"/bin", globals)}
	return out, nil
}

// globalsEnv points a package manager's global installs at dir: npm's and
// yarn 1's prefix (npm_config_prefix, PREFIX), pnpm's global and global
// bin directories.
func globalsEnv(k Kind, env api.HostEnvironment, dir string) map[string]string {
	bin := sdk.ForNative(env, dir+"/bin", dir)
	switch k {
	case Npm:
		return map[string]string{"npm_config_prefix": dir}
	case Pnpm:
		return map[string]string{"pnpm_config_global_dir": dir, "pnpm_config_global_bin_dir": bin, "PNPM_HOME": bin}
	case Yarn:
		return map[string]string{"PREFIX": dir, "YARN_GLOBAL_FOLDER": dir + "/yarn"}
	}
	return nil
}

// installGlobal installs a global package with the package manager itself
// (npm install -g, pnpm add -g, yarn global add) into globals_dir's parent
// prefix; it needs the exec capability.
func installGlobal(ctx context.Context, h pluginhost.Host, k Kind, in api.InstallGlobalInput) (api.InstallGlobalOutput, error) {
	return globalCmd(ctx, h, k, in.Context, in.Dependency, in.GlobalsDir, true)
}

func uninstallGlobal(ctx context.Context, h pluginhost.Host, k Kind, in api.UninstallGlobalInput) (api.UninstallGlobalOutput, error) {
	out, err := globalCmd(ctx, h, k, in.Context, in.Dependency, in.GlobalsDir, false)
	return api.UninstallGlobalOutput{Uninstalled: out.Installed, Error: out.Error}, err
}

func globalCmd(ctx context.Context, h pluginhost.Host, k Kind, c api.Context, dep string, globalsDir api.VirtualPath, install bool) (api.InstallGlobalOutput, error) {
	if err := globals.CheckName(dep); err != nil {
		return api.InstallGlobalOutput{}, err
	}
	// Where the packages go is the shim's business: it sets the globals
	// environment (see globalsEnv), so no host path is passed here.
	var args []string
	switch {
	case k == Npm && install:
		args = []string{"install", "--global", "--no-audit", "--no-fund", "--loglevel=error", dep}
	case k == Npm:
		args = []string{"uninstall", "--global", "--loglevel=error", dep}
	case k == Pnpm && install:
		args = []string{"add", "--global", dep}
	case k == Pnpm:
		args = []string{"remove", "--global", dep}
	case k == Yarn && install:
		args = []string{"global", "add", dep}
	case k == Yarn:
		args = []string{"global", "remove", dep}
	}
	if k == Yarn && major(c.Version) >= 2 {
		return api.InstallGlobalOutput{}, pluginhost.Errorf("yarn %s has no global packages (yarn 2 and later dropped `yarn global`); use `yarn dlx` or npm", c.Version)
	}
	// Through the tool's own shim, pinned to the version in the context:
	// it runs on the node tote resolves, with the globals environment.
	ok, msg, err := globals.Run(ctx, h, "", c.Version, args)
	return api.InstallGlobalOutput{Installed: ok, Error: msg}, err
}
