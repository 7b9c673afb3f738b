// Package stats is the core of the built-in stats extension: it counts
// installs and runs per tool, persists the counts, and answers the `tote
// stats` command with a table or JSON. It is pure logic over the contract
// types; two thin adapters run it: native (compiled into tote, enabled
// with [extensions.stats] enabled = true) and wasm (built with the SDK).
// Both keep their counts in stats.json in the extension's data directory,
// $TOTE_HOME/extensions/stats/, so switching builds keeps the counts.
package stats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/tote-dev/tote/api"
)

// ID is the extension id.
const ID = "stats"

// Version is the version of the stats extension.
const Version = "1.0.0"

// FileName is the file in the data directory that holds the counts.
const FileName = "stats.json"

// Metadata describes the extension.
var Metadata = api.ExtensionMetadata{
	ID:              ID,
	Name:            "Stats",
	Version:         Version,
	Description:     "Counts installs and runs per tool; serves `tote stats`",
	ContractVersion: api.ContractVersion,
}

// Subscriptions are the events the extension listens to: it only observes,
// after every other listener.
var Subscriptions = []api.SubscribeInput{
	{Event: api.EventPostInstall, Priority: api.PriorityLast},
	{Event: api.EventPostRun, Priority: api.PriorityLast},
}

// Command is the `tote stats` command.
var Command = api.CommandSpec{
	Name:        "stats",
	Description: "Show install and run counts per tool",
	Usage:       "[--json] [TOOL...]",
	Help:        "stats prints how many times each tool was installed and run through tote,\nas a table, or as JSON with --json. Name tools to show only those.",
}

// ToolCounts are the counts of one tool.
type ToolCounts struct {
	// Installs counts successful installs (wire: "installs").
	Installs int `json:"installs"`
	// Runs counts runs, whatever their exit code (wire: "runs").
	Runs int `json:"runs"`
	// Failures counts runs that exited with a non-zero code (wire: "failures").
	Failures int `json:"failures"`
	// LastVersion is the version last installed or run (wire: "last_version").
	LastVersion string `json:"last_version,omitempty"`
}

// Counts are the counts of every tool, keyed by tool id.
type Counts struct {
	// Tools maps tool ids to their counts (wire: "tools").
	Tools map[string]ToolCounts `json:"tools"`
}

// Storage keeps the counts document between processes.
type Storage interface {
	// Load returns the saved document, or nil when nothing was saved yet.
	Load() ([]byte, error)
	// Save replaces the saved document.
	Save(b []byte) error
}

// Dir stores the counts in dir/stats.json, writing a temporary file and
// renaming it over the old one. dir is a real path for the native build
// and "/" (the data directory mount) for the WASM build.
func Dir(dir string) Storage { return dirStorage(dir) }

type dirStorage string

func (d dirStorage) file() string {
	if string(d) == "/" {
		return path.Join("/", FileName) // a WASI path, whatever the OS
	}
	return filepath.Join(string(d), FileName)
}

func (d dirStorage) Load() ([]byte, error) {
	b, err := os.ReadFile(d.file())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read stats: %w", err)
	}
	return b, nil
}

func (d dirStorage) Save(b []byte) error {
	tmp := d.file() + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write stats: %w", err)
	}
	if err := os.Rename(tmp, d.file()); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write stats: %w", err)
	}
	return nil
}

// Memory keeps the counts in memory only (for a plugin without a data
// directory).
func Memory() Storage { return &memStorage{} }

type memStorage struct{ b []byte }

func (m *memStorage) Load() ([]byte, error) { return m.b, nil }
func (m *memStorage) Save(b []byte) error   { m.b = append([]byte(nil), b...); return nil }

// Stats counts events into a Storage. Every update reads the stored
// counts first, so two tote processes lose at most a concurrent update.
type Stats struct {
	store Storage
}

// New returns a Stats over store.
func New(store Storage) *Stats { return &Stats{store: store} }

// Counts returns the stored counts.
func (s *Stats) Counts() (Counts, error) {
	c := Counts{Tools: map[string]ToolCounts{}}
	b, err := s.store.Load()
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return Counts{Tools: map[string]ToolCounts{}}, fmt.Errorf("decode %s: %w", FileName, err)
	}
	if c.Tools == nil {
		c.Tools = map[string]ToolCounts{}
	}
	return c, nil
}

func (s *Stats) update(tool string, f func(*ToolCounts)) (ToolCounts, error) {
	c, err := s.Counts()
	if err != nil {
		// A damaged file is replaced rather than blocking every update.
		c = Counts{Tools: map[string]ToolCounts{}}
	}
	tc := c.Tools[tool]
	f(&tc)
	c.Tools[tool] = tc
	b, merr := json.MarshalIndent(c, "", "  ")
	if merr != nil {
		return tc, fmt.Errorf("encode stats: %w", merr)
	}
	if serr := s.store.Save(append(b, '\n')); serr != nil {
		return tc, serr
	}
	return tc, err
}

// Install counts a post-install event and returns the line to log.
func (s *Stats) Install(e api.InstallEvent) (string, error) {
	tc, err := s.update(e.Tool, func(tc *ToolCounts) {
		tc.Installs++
		tc.LastVersion = e.Version
	})
	return InstallLog(e, tc), err
}

// Run counts a post-run event and returns the line to log.
func (s *Stats) Run(e api.RunEvent) (string, error) {
	tc, err := s.update(e.Tool, func(tc *ToolCounts) {
		tc.Runs++
		if e.ExitCode != 0 {
			tc.Failures++
		}
		if e.Version != "" {
			tc.LastVersion = e.Version
		}
	})
	return RunLog(e, tc), err
}

// InstallLog is the log line of an install, with the counts after it.
func InstallLog(e api.InstallEvent, tc ToolCounts) string {
	return fmt.Sprintf("[stats] installed %s %s in %d ms (installs of %s: %d)", e.Tool, e.Version, e.DurationMS, e.Tool, tc.Installs)
}

// RunLog is the log line of a run, with the counts after it.
func RunLog(e api.RunEvent, tc ToolCounts) string {
	return fmt.Sprintf("[stats] ran %s %s (%s) exit %d in %d ms (runs of %s: %d)", e.Tool, e.Version, e.Exe, e.ExitCode, e.DurationMS, e.Tool, tc.Runs)
}

// Command runs `tote stats [--json] [TOOL...]` and returns what to print.
func (s *Stats) Command(args []string) api.CommandReply {
	asJSON := false
	var only []string
	for _, a := range args {
		switch {
		case a == "--json":
			asJSON = true
		case a == "-h" || a == "--help":
			return api.CommandReply{Stdout: "Usage: tote stats " + Command.Usage + "\n\n" + Command.Help + "\n"}
		case strings.HasPrefix(a, "-"):
			return api.CommandReply{Stderr: fmt.Sprintf("stats: unknown flag %s\nUsage: tote stats %s\n", a, Command.Usage), ExitCode: 2}
		default:
			only = append(only, a)
		}
	}
	c, err := s.Counts()
	if err != nil {
		return api.CommandReply{Stderr: "stats: " + err.Error() + "\n", ExitCode: 1}
	}
	if len(only) > 0 {
		sel := map[string]ToolCounts{}
		for _, t := range only {
			sel[t] = c.Tools[t]
		}
		c.Tools = sel
	}
	if asJSON {
		b, _ := json.MarshalIndent(c, "", "  ")
		return api.CommandReply{Stdout: string(b) + "\n"}
	}
	return api.CommandReply{Stdout: Table(c)}
}

// Table formats counts as an aligned table sorted by tool, with a total.
func Table(c Counts) string {
	if len(c.Tools) == 0 {
		return "no installs or runs recorded yet\n"
	}
	tools := make([]string, 0, len(c.Tools))
	for t := range c.Tools {
		tools = append(tools, t)
	}
	sort.Strings(tools)
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TOOL\tINSTALLS\tRUNS\tFAILED RUNS\tLAST VERSION")
	var total ToolCounts
	for _, t := range tools {
		tc := c.Tools[t]
		last := tc.LastVersion
		if last == "" {
			last = "-"
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\n", t, tc.Installs, tc.Runs, tc.Failures, last)
		total.Installs += tc.Installs
		total.Runs += tc.Runs
		total.Failures += tc.Failures
	}
	fmt.Fprintf(w, "total\t%d\t%d\t%d\n", total.Installs, total.Runs, total.Failures)
	w.Flush()
	return b.String()
}
