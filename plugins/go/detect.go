package golang

import (
	"context"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// VersionFiles are the files the plugin reads, in precedence order within
// one directory. go.work comes before go.mod because in workspace mode the
// go command takes its go and toolchain lines from go.work.
var VersionFiles = []string{"go.work", "go.mod", ".go-version"}

// DetectVersionFiles names go.work, go.mod and .go-version.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{Files: append([]string(nil), VersionFiles...)}, nil
}

// ParseVersionFile reads a version spec:
//
//   - go.mod and go.work: a "toolchain goX.Y.Z" line pins that exact
//     release and wins over the "go X.Y[.Z]" line, which is a minimum
//     ("go 1.21" → "^1.21.0", as proto's Go plugin reads it). "toolchain
//     default" pins nothing. Comments are ignored.
//   - .go-version: the first line that is not empty or a "#" comment, in
//     either scheme ("1.22.1", "go1.21rc2").
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	content := strings.TrimPrefix(in.Content, "\ufeff")
	switch in.File {
	case "go.mod", "go.work":
		v, err := parseModFile(in.File, content)
		return api.ParseVersionFileOutput{Version: v}, err
	case ".go-version":
		for _, line := range strings.Split(content, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if v, ok := fromGoSpec(line); ok {
				return api.ParseVersionFileOutput{Version: v}, nil
			}
			return api.ParseVersionFileOutput{Version: line}, nil
		}
	}
	return api.ParseVersionFileOutput{}, nil
}

// parseModFile reads the toolchain and go lines of a go.mod or go.work.
func parseModFile(name, content string) (string, error) {
	var goLine, toolchain string
	for i, line := range strings.Split(content, "\n") {
		if c := strings.Index(line, "//"); c >= 0 {
			line = line[:c]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 || (fields[0] != "go" && fields[0] != "toolchain") {
			continue
		}
		if len(fields) != 2 {
			return "", pluginhost.Errorf("%s:%d: want %q followed by one version, got %q", name, i+1, fields[0], strings.TrimSpace(line))
		}
		switch fields[0] {
		case "go":
			v, ok := SemverFromGo(fields[1])
			if !ok || strings.HasPrefix(fields[1], "go") {
				return "", pluginhost.Errorf("%s:%d: the go directive %q is not a Go version such as 1.22 or 1.22.1", name, i+1, fields[1])
			}
			if goLine == "" {
				goLine = "^" + v
			}
		case "toolchain":
			if fields[1] == "default" {
				continue
			}
			v, ok := toolchainVersion(fields[1])
			if !ok {
				return "", pluginhost.Errorf("%s:%d: the toolchain %q is not a Go toolchain name such as go1.22.1", name, i+1, fields[1])
			}
			if toolchain == "" {
				toolchain = v
			}
		}
	}
	if toolchain != "" {
		return toolchain, nil
	}
	return goLine, nil
}

// toolchainVersion reads a toolchain name: "go1.22.1", "go1.21rc2", or a
// custom build of a release such as "go1.22.1-corp" (the release it is
// built from).
func toolchainVersion(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, "go")
	if !ok {
		return "", false
	}
	if i := strings.IndexAny(rest, "-+"); i >= 0 {
		rest = rest[:i]
	}
	return SemverFromGo(rest)
}
