package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzDocs = []string{
	"",
	"node = \"20\"\n",
	fullFile,
	"# c\nnode = '18' # x\r\ngo = \"\"\"\n1.22\"\"\"\n[settings]\noffline = true\n",
	"[plugins]\na = \"file://./a.wasm\"\n[plugins.tools]\nb = \"/b.wasm\"\n",
	"[settings.url-rewrites]\n'^https://(x)/' = 'https://y/$1/'\n",
	"[extensions.e]\nlimits = { memory = \"1GiB\", call-timeout = 10 }\n",
	"node = 20\n",
	"a.b = 1\n[a]\n",
	"settings = { offline = true }\nnode = \"1\"",
}

func FuzzParse(f *testing.F) {
	for _, d := range fuzzDocs {
		f.Add([]byte(d))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "/fuzz/.prototools"
		file, err := Parse(path, data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			if pe.Path != path || pe.Line < 0 || pe.Line > lines || pe.Column < 0 || pe.Msg == "" {
				t.Fatalf("bad ParseError %+v for a %d-line document", pe, lines)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for id, p := range file.Pins {
			if strings.TrimSpace(p.Spec) == "" || p.Line < 1 || p.Line > lines {
				t.Fatalf("pin %s = %+v in a %d-line document", id, p, lines)
			}
		}
		for _, r := range file.Settings.URLRewrites {
			if r.Pattern == nil || !strings.HasPrefix(r.Source, path+":") {
				t.Fatalf("bad rewrite %+v", r)
			}
		}
		c := &Config{files: []*File{file}}
		for id := range file.Plugins {
			l, ok := c.PluginLocator(id)
			if !ok || l.Kind == "" || l.Value == "" {
				t.Fatalf("PluginLocator(%q) = %+v, %v", id, l, ok)
			}
		}
		for id := range file.Tools {
			c.Tool(id)
		}
		c.Settings().RewriteURL("https://example.com/a")
		c.Extensions()
	})
}

func FuzzSetPin(f *testing.F) {
	for _, d := range fuzzDocs {
		f.Add(d, "node", "22")
		f.Add(d, "deno", "^2")
	}
	f.Add("node = \"20\"", "my tool", "a\"b")
	f.Add("# x\n\n# y\n[tools.node]\n", "node", "lts/*")
	f.Fuzz(func(t *testing.T, content, tool, spec string) {
		path := filepath.Join(t.TempDir(), FileName)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		before, perr := Parse(path, []byte(content))
		err := SetPin(path, tool, spec)
		after, rerr := os.ReadFile(path)
		if rerr != nil {
			t.Fatal(rerr)
		}
		unchanged := string(after) == content

		validInput := strings.TrimSpace(tool) != "" && utf8.ValidString(tool) && !reservedKeys[tool] &&
			strings.TrimSpace(spec) != "" && utf8.ValidString(spec)
		switch {
		case perr != nil && validInput:
			var pe *ParseError
			if !errors.As(err, &pe) || !unchanged {
				t.Fatalf("SetPin on an invalid file: err = %v, unchanged = %v", err, unchanged)
			}
			return
		case perr != nil || !validInput:
			if err == nil || !unchanged {
				t.Fatalf("SetPin(%q, %q) on %q: err = %v, unchanged = %v", tool, spec, content, err, unchanged)
			}
			return
		case err != nil:
			t.Fatalf("SetPin(%q, %q) on %q: %v", tool, spec, content, err)
		}

		got, err := Parse(path, after)
		if err != nil {
			t.Fatalf("result does not parse: %v\n%q", err, after)
		}
		if got.Pins[tool].Spec != spec {
			t.Fatalf("pin %q = %q, want %q", tool, got.Pins[tool].Spec, spec)
		}
		for id, p := range before.Pins {
			if id != tool && got.Pins[id].Spec != p.Spec {
				t.Fatalf("pin %q changed from %q to %q", id, p.Spec, got.Pins[id].Spec)
			}
		}
		if len(got.Pins) != len(before.Pins) && len(got.Pins) != len(before.Pins)+1 {
			t.Fatalf("pins went from %d to %d", len(before.Pins), len(got.Pins))
		}

		// Unrelated content is kept: the edit is one contiguous region,
		// empty in the original for a new pin, inside the old value otherwise.
		data := []byte(content)
		p := 0
		for p < len(data) && p < len(after) && data[p] == after[p] {
			p++
		}
		s := 0
		for s < len(data)-p && s < len(after)-p && data[len(data)-1-s] == after[len(after)-1-s] {
			s++
		}
		from, to := p, len(data)-s
		if _, had := before.Pins[tool]; !had {
			if from != to {
				t.Fatalf("adding a pin removed %q from the original", data[from:to])
			}
			return
		}
		ix, err := scan(data)
		if err != nil {
			t.Fatal(err)
		}
		kv, ok := findTop(ix, tool)
		if !ok || from < kv.valueStart || to > kv.valueEnd {
			t.Fatalf("replacing a pin changed %q outside the old value [%d,%d)", data[from:to], kv.valueStart, kv.valueEnd)
		}
	})
}
