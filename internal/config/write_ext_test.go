package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSetExtensionEnabled(t *testing.T) {
	cases := []struct {
		name, in, id string
		on           bool
		want         string
		err          string
	}{
		{"new file", "", "stats", true, "[extensions.stats]\nenabled = true\n", ""},
		{"append table", "node = \"20\" # keep\n", "stats", true, "node = \"20\" # keep\n\n[extensions.stats]\nenabled = true\n", ""},
		{"no final newline", "node = \"20\"", "stats", false, "node = \"20\"\n\n[extensions.stats]\nenabled = false\n", ""},
		{"replace value", "[extensions.stats] # mine\nenabled = false # was off\npermissions = [\"network\"]\n", "stats", true,
			"[extensions.stats] # mine\nenabled = true # was off\npermissions = [\"network\"]\n", ""},
		{"insert under header", "[extensions.stats]\nconfig = { a = 1 }\n\n[settings]\noffline = true\n", "stats", false,
			"[extensions.stats]\nenabled = false\nconfig = { a = 1 }\n\n[settings]\noffline = true\n", ""},
		{"other extension untouched", "[extensions.audit]\nenabled = true\n", "stats", true,
			"[extensions.audit]\nenabled = true\n\n[extensions.stats]\nenabled = true\n", ""},
		{"dotted form refused", "[extensions]\nstats.enabled = false\n", "stats", true, "", "by hand"},
		{"inline form refused", "extensions = { stats = { enabled = false } }\n", "stats", true, "", "by hand"},
		{"bad file refused", "[extensions.stats\n", "stats", true, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), ".prototools")
			if c.in != "" {
				os.WriteFile(p, []byte(c.in), 0o600)
			}
			err := SetExtensionEnabled(p, c.id, c.on)
			got, _ := os.ReadFile(p)
			if c.want == "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want one containing %q", err, c.err)
				}
				if string(got) != c.in {
					t.Errorf("a refused edit changed the file: %q", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
			if c.in != "" {
				if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
					t.Errorf("mode %v", st.Mode())
				}
			}
		})
	}
}
