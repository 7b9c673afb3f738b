package stats

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
)

func TestCountsAndTable(t *testing.T) {
	dir := t.TempDir()
	s := New(Dir(dir))
	if r := s.Command(nil); r.Stdout != "no installs or runs recorded yet\n" || r.ExitCode != 0 {
		t.Errorf("empty stats: %+v", r)
	}
	line, err := s.Install(api.InstallEvent{Tool: "node", Version: "20.11.1", DurationMS: 1200})
	if err != nil || line != "[stats] installed node 20.11.1 in 1200 ms (installs of node: 1)" {
		t.Errorf("Install = %q, %v", line, err)
	}
	s.Install(api.InstallEvent{Tool: "go", Version: "1.22.5"})
	s.Run(api.RunEvent{Tool: "node", Version: "20.11.1", Exe: "node"})
	line, _ = s.Run(api.RunEvent{Tool: "node", Version: "20.11.1", Exe: "npm", ExitCode: 1, DurationMS: 30})
	if line != "[stats] ran node 20.11.1 (npm) exit 1 in 30 ms (runs of node: 2)" {
		t.Errorf("Run = %q", line)
	}

	// A new Stats over the same directory (another process) sees the counts.
	s2 := New(Dir(dir))
	want := "TOOL   INSTALLS  RUNS  FAILED RUNS  LAST VERSION\n" +
		"go     1         0     0            1.22.5\n" +
		"node   1         2     1            20.11.1\n" +
		"total  2         2     1\n"
	got := s2.Command(nil).Stdout
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	var c Counts
	if err := json.Unmarshal([]byte(s2.Command([]string{"--json"}).Stdout), &c); err != nil {
		t.Fatal(err)
	}
	if c.Tools["node"] != (ToolCounts{Installs: 1, Runs: 2, Failures: 1, LastVersion: "20.11.1"}) || len(c.Tools) != 2 {
		t.Errorf("json = %+v", c)
	}
	if r := s2.Command([]string{"--json", "go", "deno"}); !strings.Contains(r.Stdout, `"deno": {`) || strings.Contains(r.Stdout, "node") {
		t.Errorf("filtered json = %s", r.Stdout)
	}
	if r := s2.Command([]string{"--bogus"}); r.ExitCode != 2 || !strings.Contains(r.Stderr, "unknown flag --bogus") {
		t.Errorf("bad flag: %+v", r)
	}
	if r := s2.Command([]string{"--help"}); r.ExitCode != 0 || !strings.HasPrefix(r.Stdout, "Usage: tote stats [--json] [TOOL...]") {
		t.Errorf("help: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName+".tmp")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
}

func TestDamagedFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), []byte("{not json"), 0o644)
	s := New(Dir(dir))
	if r := s.Command(nil); r.ExitCode != 1 || !strings.Contains(r.Stderr, "decode stats.json") {
		t.Errorf("damaged file: %+v", r)
	}
	// An update reports the damage and starts over rather than failing forever.
	if _, err := s.Install(api.InstallEvent{Tool: "go", Version: "1.0.0"}); err == nil {
		t.Error("Install over a damaged file reported no error")
	}
	if c, err := s.Counts(); err != nil || c.Tools["go"].Installs != 1 {
		t.Errorf("after repair: %+v, %v", c, err)
	}
}

func TestMemory(t *testing.T) {
	s := New(Memory())
	s.Run(api.RunEvent{Tool: "zig", Exe: "zig"})
	if c, _ := s.Counts(); c.Tools["zig"].Runs != 1 || c.Tools["zig"].LastVersion != "" {
		t.Errorf("memory counts = %+v", c)
	}
}
