package shellquote

import (
	"os/exec"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"20":         "20",
		"lts/iron":   "lts/iron",
		">=23 <24":   "'>=23 <24'",
		"^1.2":       "'^1.2'",
		"~1.2.3":     "'~1.2.3'",
		"a || b":     "'a || b'",
		"it's":       `'it'\''s'`,
		"":           "''",
		"=23":        "'=23'",
		"$HOME":      "'$HOME'",
		"1.2 - 1.4":  "'1.2 - 1.4'",
		"*":          "'*'",
		"node@20":    "node@20",
		"a\nb":       "'a\nb'",
		"semi;colon": "'semi;colon'",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestQuoteRoundTripsThroughSh pastes quoted words into a real shell and
// checks that it reads them back unchanged.
func TestQuoteRoundTripsThroughSh(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	words := []string{">=23 <24", "it's", "a || b", "$(echo x)", "`x`", "\\", "!x", "~", "*", "?", "[a]", "{a,b}", "#c", "=x", "tab\there"}
	out, err := exec.Command(sh, "-c", `for w in `+Join(words...)+`; do printf '%s\n' "$w"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if strings.Join(got, "|") != strings.Join(words, "|") {
		t.Errorf("sh read back %q, want %q", got, words)
	}
}
