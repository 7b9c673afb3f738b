package node

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/plugins/node/nodetest"
)

// reference decodes an index with encoding/json, for differential tests.
func reference(t *testing.T, body string) ([]Release, bool) {
	t.Helper()
	var raw []struct {
		Version string          `json:"version"`
		LTS     json.RawMessage `json:"lts"`
	}
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		return nil, false
	}
	out := make([]Release, 0, len(raw))
	for _, r := range raw {
		rel := Release{Version: r.Version}
		switch s := strings.TrimSpace(string(r.LTS)); {
		case s == "" || s == "false" || s == "null":
		case strings.HasPrefix(s, `"`):
			json.Unmarshal(r.LTS, &rel.LTS)
		default:
			return nil, false
		}
		out = append(out, rel)
	}
	return out, true
}

// ParseIndex agrees with encoding/json on valid input and rejects what it
// rejects.
func TestParseIndexDifferential(t *testing.T) {
	inputs := []string{
		string(readTestdata(t, "index.json")),
		string(nodetest.LargeIndex(100)),
		"[]", " [ ] \n",
		`[{"lts":"Iron","version":"v20.0.0"}]`,
		"[\n  {\n    \"version\" : \"v1.0.0\" ,\n    \"lts\" : false\n  }\n]\n",
		`[{"version":"v1.0.0","files":["a","b\"c",{"x":[1,2.5e3,-3,true,null,{}]}],"lts":"Jod"}]`,
		`[{"version":"v1.0.0","lts":"K\u00e9\\\"q\\\\"}]`,
		`[{"version":"v\u0031.0.0","lts":null},{}]`,
		`[{"version":"v2.0.0","security":true,"modules":"1","n":-0.5E-3}]`,
		`[{"version":"v1.0.0","x":"\\\\"}, {"version":"v0.1.0"}]`,
		// invalid
		``, `{}`, `[`, `[{]`, `[{"version":1}]`, `[{"version":"v1"`, `[{"version":"v1"},]`,
		`[{"version":"v1","lts":3}]`, `[{"version":"v1","lts":true}]`, `[{"version":"v1"}] x`,
		`[{"version":"v1","x":tru}]`, `[{"version":"v1","x":[1,]}]`, `[{"version":"v1","x":"a` + "\n" + `"}]`,
		`[{"version":"v1","x":01x}]`, `[{"version":"v1" "lts":false}]`, `[{"version":"v1\"}]`,
		`[{"version":"v1","x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}]`,
	}
	for _, in := range inputs {
		want, ok := reference(t, in)
		got, err := ParseIndex([]byte(in))
		if strings.Contains(in, strings.Repeat("[", 100)) {
			if err == nil {
				t.Errorf("deep nesting accepted")
			}
			continue
		}
		if !ok {
			if err == nil {
				t.Errorf("%.80q: accepted invalid input: %+v", in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%.80q: %v", in, err)
			continue
		}
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%.80q:\n got %+v\nwant %+v", in, got, want)
		}
	}
}

func TestParseIndexErrorOffset(t *testing.T) {
	_, err := ParseIndex([]byte(`[{"version":"v1.0.0","lts":7}]`))
	if err == nil || !strings.Contains(err.Error(), "offset 27") || !strings.Contains(err.Error(), "lts: want false or a codename") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParseIndex(f *testing.F) {
	f.Add(`[{"version":"v1.0.0","lts":"Iron","files":["x"]}]`)
	f.Add(`[{"version":"v1\\"","lts":false}]`)
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseIndex([]byte(in))
		want, ok := reference(t, in)
		if ok != (err == nil) {
			t.Fatalf("%q: encoding/json ok=%v, ParseIndex err=%v", in, ok, err)
		}
		if ok && len(want)+len(got) > 0 && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %+v want %+v", in, got, want)
		}
	})
}
