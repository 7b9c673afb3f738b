package zig

import (
	"context"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// VersionFiles are the files the plugin reads, in precedence order within
// one directory (the files proto's Zig plugin reads).
var VersionFiles = []string{".zig-version", ".zigversion", "build.zig.zon"}

// ignoredDirs are build output directories whose files never pin a version.
var ignoredDirs = []string{"/.zig-cache/", "/zig-cache/", "/zig-out/"}

// DetectVersionFiles names .zig-version, .zigversion and build.zig.zon.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{
		Files:  append([]string(nil), VersionFiles...),
		Ignore: append([]string(nil), ignoredDirs...),
	}, nil
}

// ParseVersionFile reads .zig-version and .zigversion (the first line that
// is not empty) and the minimum_zig_version of build.zig.zon, which becomes
// a minimum (">=0.14.1").
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	content := strings.TrimPrefix(in.Content, "\ufeff")
	switch in.File {
	case "build.zig.zon":
		v, err := MinimumZigVersion(content)
		if err != nil || v == "" {
			return api.ParseVersionFileOutput{}, err
		}
		return api.ParseVersionFileOutput{Version: ">=" + v}, nil
	default:
		for _, line := range strings.Split(content, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				return api.ParseVersionFileOutput{Version: line}, nil
			}
		}
	}
	return api.ParseVersionFileOutput{}, nil
}

// MinimumZigVersion returns the string value of ".minimum_zig_version" in
// a build.zig.zon, "" when there is none. Comments and string literals are
// skipped when looking for the field.
func MinimumZigVersion(zon string) (string, error) {
	const key = ".minimum_zig_version"
	for n, line := range strings.Split(zon, "\n") {
		line = stripComment(line)
		inString := false
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case inString && c == '\\':
				i++
				continue
			case c == '"':
				inString = !inString
				continue
			case inString || !strings.HasPrefix(line[i:], key):
				continue
			}
			rest := line[i+len(key):]
			if rest != "" && isIdent(rest[0]) {
				continue // a longer name such as .minimum_zig_version_note
			}
			val := strings.TrimSpace(rest)
			if !strings.HasPrefix(val, "=") {
				continue
			}
			val = strings.TrimSpace(val[1:])
			if !strings.HasPrefix(val, `"`) {
				return "", pluginhost.Errorf("build.zig.zon:%d: minimum_zig_version is not a string", n+1)
			}
			end := strings.IndexByte(val[1:], '"')
			if end < 0 {
				return "", pluginhost.Errorf("build.zig.zon:%d: minimum_zig_version has no closing quote", n+1)
			}
			v := strings.TrimSpace(val[1 : 1+end])
			if v == "" {
				return "", pluginhost.Errorf("build.zig.zon:%d: minimum_zig_version is empty", n+1)
			}
			return v, nil
		}
	}
	return "", nil
}

func isIdent(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// stripComment cuts a "//" comment off a line of Zig source, minding
// string literals (a URL's "//" is not a comment).
func stripComment(line string) string {
	inString := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case !inString && c == '/' && i+1 < len(line) && line[i+1] == '/':
			return line[:i]
		}
	}
	return line
}
