// Package java is the core of tote's built-in Java plugin: Eclipse Temurin
// builds through the Adoptium API. Pure Go over the api types and
// pluginhost.Host, shared by the native adapter (native/) and the WASM
// adapter (wasm/).
//
//   - Versions: /v3/info/available_releases names the feature releases;
//     /v3/assets/feature_releases/<N>/ga lists each one's GA builds, whose
//     version_data.semver ("21.0.5+11", "8.0.302+8") are tote's versions.
//   - Downloads: the binary of the release for the host's os, architecture
//     and image type (jdk or jre), checked against the sha256 the API gives
//     for the package.
//   - Specs: "21", "21.0.5", "21.0.5+11", with an optional vendor prefix
//     "temurin-" (or SDKMAN's "tem"): Temurin is the only vendor this
//     plugin installs, and another vendor is an error that says so.
//   - Version files: .java-version ("21", "temurin-21", "17.0.9") and
//     .sdkmanrc ("java=21.0.5-tem").
//   - JAVA_HOME is set for every run of java, javac, jar and jshell: the
//     install directory (its Contents/Home on macOS).
//
// Configuration ([tools.java]):
//
//	api-url = "https://api.adoptium.net/"
//	image-type = "jdk"   # or "jre"
package java

import (
	"context"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// DefaultAPIURL is the Adoptium API root.
const DefaultAPIURL = "https://api.adoptium.net/"

// Table is the core's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncResolveVersion:     pluginhost.Handle(ResolveVersion),
	api.FuncDownloadPrebuilt:   pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncParseVersionFile:   pluginhost.Handle(ParseVersionFile),
}

// Config is the [tools.java] table.
type Config struct {
	// APIURL is the Adoptium API root, ending in "/" (key: api-url).
	APIURL string `json:"api_url"`
	// ImageType is "jdk" (default) or "jre" (key: image-type).
	ImageType string `json:"image_type"`
}

func config(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{APIURL: DefaultAPIURL, ImageType: "jdk"})
	if err != nil {
		return cfg, err
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	switch cfg.ImageType {
	case "":
		cfg.ImageType = "jdk"
	case "jdk", "jre":
	default:
		return cfg, pluginhost.Errorf("invalid configuration in [tools.%s]: image-type %q: want \"jdk\" or \"jre\"", h.ToolID(), cfg.ImageType)
	}
	return cfg, nil
}

// RegisterTool describes Java.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{Name: "Java (Eclipse Temurin)", Type: api.TypeLanguage, PluginVersion: Version}, nil
}

// DetectVersionFiles names .java-version and .sdkmanrc.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{Files: []string{".java-version", ".sdkmanrc"}}, nil
}

// LocateExecutables names java (and, for a JDK, javac, jar and jshell) in
// bin/ (Contents/Home/bin/ on macOS), and sets JAVA_HOME for their runs.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.LocateExecutablesOutput{}, err
	}
	env := h.Env()
	home := ""
	if env.OS == api.OSMacOS {
		home = "Contents/Home"
	}
	bin := strings.TrimPrefix(home+"/bin", "/")
	javaHome := in.InstallDir.Path
	if home != "" {
		javaHome += "/" + home
	}
	vars := map[string]string{"JAVA_HOME": javaHome}
	exe := func(name string, primary bool) api.ExecutableConfig {
		return api.ExecutableConfig{ExePath: bin + "/" + sdk.ExeName(env, name), Primary: primary, ShimEnvVars: vars}
	}
	exes := map[string]api.ExecutableConfig{"java": exe("java", true)}
	if cfg.ImageType == "jdk" {
		for _, n := range []string{"javac", "jar", "jshell"} {
			exes[n] = exe(n, false)
		}
	}
	return api.LocateExecutablesOutput{Exes: exes, ExesDirs: []string{bin}, GlobalsLookupDirs: []string{"$JAVA_HOME/bin"}}, nil
}
