package version

import (
	"errors"
	"strings"
	"testing"
)

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{
		"1.2.3", "v1.2.3", "1.2.3-rc.1", "1.2.3+build", "2024-01-02", "2024-01", "20", "1.22", "^1.2", "~1.2.3",
		">=1.20 <1.23", ">=1.2, <2", "^18 || ^20", "1.2 - 1.4", "1.x", "*", "latest", "stable", "lts", "lts/*",
		"lts-*", "lts/iron", "canary", "work", "1.2.3.4", "1.23rc1", "", ">=>1", "v", " 1.2.3 ",
	} {
		f.Add(s)
	}
	probe := []string{"0.0.0", "1.2.3", "1.22.10", "20.18.1", "1.2.3-rc.1", "2024-01-02", "v1.2.3", "1.23rc1", "canary", "latest"}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSpec(in)
		if err != nil {
			if !strings.Contains(err.Error(), "invalid version spec") {
				t.Fatalf("error %q lacks the standard prefix", err)
			}
			return
		}
		if s.Kind() < KindFull || s.Kind() > KindLiteral {
			t.Fatalf("ParseSpec(%q) kind = %d", in, s.Kind())
		}
		if s.String() == "" {
			t.Fatalf("ParseSpec(%q) has an empty String()", in)
		}
		if IsFull(s) != (s.Version() != "") {
			t.Fatalf("ParseSpec(%q): IsFull = %v but Version() = %q", in, IsFull(s), s.Version())
		}
		again, err := ParseSpec(s.String())
		if err != nil || again.Kind() != s.Kind() || again.String() != s.String() {
			t.Fatalf("re-parsing %q (from %q) = %v %v, %v; want %v", s.String(), in, again.Kind(), again.String(), err, s.Kind())
		}
		for _, v := range probe {
			s.Matches(v)
		}
		if IsFull(s) && !s.Matches(s.Version()) && s.Kind() == KindFull {
			t.Fatalf("full spec %q does not match its own version %q", in, s.Version())
		}
	})
}

func FuzzResolve(f *testing.F) {
	f.Add("20", "22.12.0,20.18.1,20.11.1,18.20.5", "20.11.1", "22.12.0", "lts-*=22.12.0")
	f.Add("lts/*", "22.12.0,20.18.1", "", "", "lts-*=22.12.0;stable=latest")
	f.Add("latest", "1.0.0,2.0.0-beta.1", "", "", "")
	f.Add("a", "1.0.0", "", "", "a=b;b=a")
	f.Add("canary", "1.0.0", "canary", "", "")
	f.Add("^1.2 || 3", "1.2.0,1.3.0,3.0.0,v3.1.0", "1.2.0", "", "")
	f.Add("1.23rc1", "1.23rc1,1.22.10", "", "", "")
	f.Add("2024-01", "2024-01-02,2024-02-01", "", "", "")
	f.Add("work", "20.18.1,20.0.0", "", "", "work=v20.0.0")
	f.Fuzz(func(t *testing.T, specIn, versions, installed, latest, aliases string) {
		spec, err := ParseSpec(specIn)
		if err != nil {
			return
		}
		avail := Available{Tool: "tool", Latest: latest, Aliases: map[string]string{}}
		if versions != "" {
			avail.Versions = strings.Split(versions, ",")
		}
		if installed != "" {
			avail.Installed = strings.Split(installed, ",")
		}
		allowed := map[string]bool{latest: latest != "", "canary": true, spec.Version(): IsFull(spec)}
		for _, v := range append(append([]string(nil), avail.Versions...), avail.Installed...) {
			allowed[v] = true
		}
		for _, kv := range strings.Split(aliases, ";") {
			name, target, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			avail.Aliases[name] = target
			if s, err := ParseSpec(target); err == nil && IsFull(s) {
				allowed[s.Version()] = true
			}
		}
		if s, err := ParseSpec(latest); err == nil && IsFull(s) {
			allowed[s.Version()] = true
		}
		got, err := Resolve(spec, avail)
		if err != nil {
			var nf *NotFoundError
			if errors.As(err, &nf) {
				if len(nf.Near) > 5 {
					t.Fatalf("Near has %d entries", len(nf.Near))
				}
				for _, n := range nf.Near {
					if !allowed[n] {
						t.Fatalf("Near lists %q, which is not an input", n)
					}
				}
			}
			return
		}
		if !allowed[got] {
			t.Fatalf("Resolve(%q) = %q, which is not one of the inputs", specIn, got)
		}
		switch spec.Kind() {
		case KindPartial, KindRange, KindLiteral:
			if !spec.Matches(got) {
				t.Fatalf("Resolve(%q) = %q, which the spec does not match", specIn, got)
			}
		}
	})
}
