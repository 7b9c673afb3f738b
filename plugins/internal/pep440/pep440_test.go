package pep440

import "testing"

func TestToSpec(t *testing.T) {
	for in, want := range map[string]string{
		"0.4.30":         "0.4.30",
		"==0.4.30":       "=0.4.30",
		"===0.4.30":      "0.4.30",
		">=0.4, <0.6":    ">=0.4 <0.6",
		"~=1.8":          ">=1.8 <2",
		"~=1.8.3":        ">=1.8.3 <1.9",
		"==0.5.*":        "0.5.x",
		">=0.5,!=0.5.2":  ">=0.5",
		" >= 0.6 , < 1 ": ">=0.6 <1",
	} {
		got, err := ToSpec(in)
		if err != nil || got != want {
			t.Errorf("ToSpec(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ",", "~=1", ">=", "==1.0rc1", "!=1.0", "latest", ">=1.0; python_version<'3'"} {
		if got, err := ToSpec(bad); err == nil {
			t.Errorf("ToSpec(%q) = %q; want an error", bad, got)
		}
	}
}
