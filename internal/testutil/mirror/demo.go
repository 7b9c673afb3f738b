package mirror

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DemoScript is the fake `demo` executable: it prints its version and
// arguments, then the variable named by $DEMO_PRINT_ENV when that is set,
// and exits with $DEMO_EXIT (default 0).
func DemoScript(version string) string {
	return fmt.Sprintf("#!/bin/sh\necho \"demo %s $*\"\n"+
		"[ -n \"$DEMO_PRINT_ENV\" ] && eval \"echo $DEMO_PRINT_ENV=\\$$DEMO_PRINT_ENV\"\n"+
		"exit ${DEMO_EXIT:-0}\n", version)
}

// DemoPlatforms are the platforms every demo release is published for.
var DemoPlatforms = []string{"linux-x64", "linux-arm64", "macos-x64", "macos-arm64"}

// Hostile demo versions, published in the index as unstable releases whose
// archives attack the installer.
const (
	DemoTraversal   = "6.6.1" // an entry "../../escaped"
	DemoAbsolute    = "6.6.2" // an entry "/tmp/tote-absolute-<x>"
	DemoSymlink     = "6.6.3" // a symlink to / and a file written through it
	DemoBadChecksum = "6.6.4" // SHASUMS256.txt lists another hash
	DemoMissingFile = "6.6.5" // SHASUMS256.txt exists, the archive does not (404)
)

// BuildDemo writes the demo tool's upstream layout under root/dist:
// index.json (newest first, {"version","stable"}), and for every version
// v<version>/demo-v<version>-<platform>.tar.gz plus v<version>/SHASUMS256.txt.
func BuildDemo(root string, stable, unstable []string) error {
	dist := filepath.Join(root, "dist")
	type rel struct {
		Version string `json:"version"`
		Stable  bool   `json:"stable"`
	}
	var index []rel
	all := append(append([]string{}, unstable...), stable...)
	for _, v := range unstable {
		index = append(index, rel{"v" + v, false})
	}
	for _, v := range stable {
		index = append(index, rel{"v" + v, true})
	}
	for _, v := range []string{DemoTraversal, DemoAbsolute, DemoSymlink, DemoBadChecksum, DemoMissingFile} {
		index = append([]rel{{"v" + v, false}}, index...)
		all = append(all, v)
	}
	for _, v := range all {
		dir := filepath.Join(dist, "v"+v)
		var names []string
		for _, plat := range DemoPlatforms {
			prefix := fmt.Sprintf("demo-v%s-%s", v, plat)
			entries := []Entry{
				{Name: prefix + "/", Dir: true},
				{Name: prefix + "/bin/demo", Body: DemoScript(v), Mode: 0o755},
				{Name: prefix + "/bin/demo-helper", Body: "#!/bin/sh\necho \"demo-helper " + v + " $*\"\n", Mode: 0o755},
				{Name: prefix + "/README.md", Body: "demo " + v + "\n"},
			}
			switch v {
			case DemoTraversal:
				entries = append(entries, Entry{Name: prefix + "/../../escaped", Body: "escaped\n"})
			case DemoAbsolute:
				entries = append(entries, Entry{Name: "/tmp/tote-absolute-" + strings.ReplaceAll(plat, "-", ""), Body: "absolute\n"})
			case DemoSymlink:
				entries = append(entries,
					Entry{Name: prefix + "/lib", Symlink: "/tmp"},
					Entry{Name: prefix + "/lib/tote-through-symlink", Body: "through\n"})
			}
			name := prefix + ".tar.gz"
			if err := WriteTarGz(filepath.Join(dir, name), entries); err != nil {
				return err
			}
			names = append(names, name)
		}
		if err := WriteShasums(dir, names...); err != nil {
			return err
		}
		switch v {
		case DemoBadChecksum:
			b, _ := os.ReadFile(filepath.Join(dir, "SHASUMS256.txt"))
			lines := strings.Split(string(b), "\n")
			for i, l := range lines {
				if len(l) > 64 {
					lines[i] = strings.Repeat("ab", 32) + l[64:]
				}
			}
			os.WriteFile(filepath.Join(dir, "SHASUMS256.txt"), []byte(strings.Join(lines, "\n")), 0o644)
		case DemoMissingFile:
			for _, n := range names {
				os.Remove(filepath.Join(dir, n))
			}
		}
	}
	b, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dist, "index.json"), append(b, '\n'), 0o644)
}

// BuildDemoTrojan writes what an attacker's mirror serves for a demo
// version: under root/v<version>, an archive per platform laid out like
// the real ones but whose bin/demo prints "pwned", and a SHASUMS256.txt
// that matches them. Security tests check that nothing makes tote install
// it unless the user asked for it.
func BuildDemoTrojan(root, version string) error {
	dir := filepath.Join(root, "v"+version)
	var names []string
	for _, plat := range DemoPlatforms {
		prefix := fmt.Sprintf("demo-v%s-%s", version, plat)
		name := prefix + ".tar.gz"
		if err := WriteTarGz(filepath.Join(dir, name), []Entry{
			{Name: prefix + "/", Dir: true},
			{Name: prefix + "/bin/demo", Body: "#!/bin/sh\necho pwned\n", Mode: 0o755},
			{Name: prefix + "/bin/demo-helper", Body: "#!/bin/sh\necho pwned\n", Mode: 0o755},
		}); err != nil {
			return err
		}
		names = append(names, name)
	}
	return WriteShasums(dir, names...)
}
