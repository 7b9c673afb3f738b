package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseLimits(t *testing.T) {
	f, err := Parse("/p/.prototools", []byte(`[settings.http]
connect-timeout = "2s"
response-timeout = 500
min-throughput = "4KiB/10s"
retries = 1
proxies = ["http://proxy:8080"]   # proto's key, kept in the raw table

[settings.unpack]
max-size = "2GiB"
max-entries = 1000
`))
	if err != nil {
		t.Fatal(err)
	}
	h := f.Settings.HTTPLimits
	if h.ConnectTimeout != 2*time.Second || h.ResponseTimeout != 500*time.Millisecond || h.MinBytes != 4<<10 || h.MinWindow != 10*time.Second || h.Retries == nil || *h.Retries != 1 {
		t.Errorf("http limits = %+v", h)
	}
	if f.Settings.HTTP["proxies"] == nil {
		t.Error("proto's http keys are dropped")
	}
	if u := f.Settings.Unpack; u.MaxSize != 2<<30 || u.MaxEntries != 1000 {
		t.Errorf("unpack limits = %+v", u)
	}
}

func TestParseLimitErrors(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"[settings.http]\nconnect-timeout = \"soon\"\n", `2:1: settings.http.connect-timeout: invalid duration "soon"`},
		{"[settings.http]\nmin-throughput = \"fast\"\n", `2:1: settings.http.min-throughput: invalid throughput "fast" (want SIZE/DURATION`},
		{"[settings.http]\nmin-throughput = \"1KiB/never\"\n", `2:1: settings.http.min-throughput: throughput "1KiB/never": invalid duration`},
		{"[settings.http]\nmin-throughput = 5\n", `2:1: settings.http.min-throughput: must be a string such as "16KiB/30s", not an integer`},
		{"[settings.http]\nretries = -1\n", "2:1: settings.http.retries: must be an integer from 0 to 100, not -1"},
		{"[settings.unpack]\nmax-size = \"lots\"\n", `2:1: settings.unpack.max-size: invalid size "lots"`},
		{"[settings.unpack]\nmax-entries = 0\n", "2:1: settings.unpack.max-entries: must be a positive integer, not 0"},
		{"[settings.unpack]\nmax-files = 3\n", "2:1: unknown key settings.unpack.max-files (want max-size or max-entries)"},
	} {
		_, err := Parse("/p/.prototools", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.doc, err, c.want)
		}
	}
}

// TestLimitsMergeAndEnv: the nearest file wins key by key, and TOTE_HTTP_*
// / TOTE_UNPACK_* win over every file; a bad variable is an error naming it.
func TestLimitsMergeAndEnv(t *testing.T) {
	root := t.TempDir()
	home, proj := filepath.Join(root, ".tote"), filepath.Join(root, "proj")
	os.MkdirAll(home, 0o755)
	os.MkdirAll(proj, 0o755)
	os.WriteFile(filepath.Join(home, FileName), []byte("[settings.http]\nconnect-timeout = \"9s\"\nresponse-timeout = \"9s\"\n[settings.unpack]\nmax-entries = 9\n"), 0o644)
	os.WriteFile(filepath.Join(proj, FileName), []byte("[settings.http]\nconnect-timeout = \"1s\"\n"), 0o644)
	// [settings.http] is trust-only in a project file.
	t.Setenv("TOTE_TRUSTED_PATHS", proj)
	c, err := Load(proj, root, home)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Settings()
	if s.HTTPLimits.ConnectTimeout != time.Second || s.HTTPLimits.ResponseTimeout != 9*time.Second || s.Unpack.MaxEntries != 9 {
		t.Errorf("merged = %+v %+v", s.HTTPLimits, s.Unpack)
	}
	t.Setenv("TOTE_HTTP_RESPONSE_TIMEOUT", "3s")
	t.Setenv("TOTE_HTTP_MIN_THROUGHPUT", "1KiB/2s")
	t.Setenv("TOTE_UNPACK_MAX_SIZE", "1048576")
	t.Setenv("TOTE_HTTP_RETRIES", "0")
	c, err = Load(proj, root, home)
	if err != nil {
		t.Fatal(err)
	}
	s = c.Settings()
	if s.HTTPLimits.ResponseTimeout != 3*time.Second || s.HTTPLimits.MinBytes != 1<<10 || s.HTTPLimits.MinWindow != 2*time.Second ||
		s.Unpack.MaxSize != 1<<20 || s.HTTPLimits.Retries == nil || *s.HTTPLimits.Retries != 0 || s.HTTPLimits.ConnectTimeout != time.Second {
		t.Errorf("with env = %+v %+v", s.HTTPLimits, s.Unpack)
	}
	t.Setenv("TOTE_UNPACK_MAX_ENTRIES", "many")
	if _, err := Load(proj, root, home); err == nil || !strings.Contains(err.Error(), `TOTE_UNPACK_MAX_ENTRIES="many"`) {
		t.Errorf("bad variable: %v", err)
	}
}
