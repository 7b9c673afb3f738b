package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// TestEnvScriptQuoting evaluates what tote env prints, with hostile values
// from a project's [env], in the real shells that are installed, and checks
// each variable comes back byte for byte (nothing is executed).
func TestEnvScriptQuoting(t *testing.T) {
	vals := map[string]string{
		"A": "it's $(echo pwned) `x` \\ \"q\"",
		"B": "semi;colon && rm -rf / # not a comment",
		"C": "",
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		bin, err := exec.LookPath(sh)
		if err != nil {
			t.Logf("%s is not installed: skipped", sh)
			continue
		}
		script := envScript(sh, []string{"/usr/bin", "/bin", "/opt/it's here"}, vals, nil)
		check := `printf '%s\n' "$A" "$B" "$C" "$PATH"`
		if sh == "fish" {
			check = `printf '%s\n' "$A" "$B" "$C" (string join : $PATH)`
		}
		out, err := exec.Command(bin, "-c", script+"\n"+check).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s\n%s", sh, err, script, out)
		}
		want := strings.Join([]string{vals["A"], vals["B"], vals["C"], "/usr/bin:/bin:/opt/it's here"}, "\n") + "\n"
		if string(out) != want {
			t.Errorf("%s read back\n%q\nwant\n%q", sh, out, want)
		}
	}
}

func TestActivationScriptsParse(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		bin, err := exec.LookPath(sh)
		if err != nil {
			continue
		}
		flag := "-n"
		if out, err := exec.Command(bin, flag, "-c", activationScript(sh, "/opt/tote dir/tote")).CombinedOutput(); err != nil {
			t.Errorf("%s rejects its activation script: %v\n%s", sh, err, out)
		}
		if out, err := exec.Command(bin, flag, "-c", deactivationScript(sh, []string{"/bin"}, []string{"FOO"})).CombinedOutput(); err != nil {
			t.Errorf("%s rejects its deactivation script: %v\n%s", sh, err, out)
		}
	}
	// PowerShell is not installed here: check the script's shape.
	ps := activationScript("pwsh", "C:/Program Files/tote/tote.exe")
	for _, want := range []string{"function global:prompt", "& 'C:/Program Files/tote/tote.exe' hook-env pwsh --pid $PID", "LastWriteTimeUtc"} {
		if !strings.Contains(ps, want) {
			t.Errorf("pwsh activation lacks %q:\n%s", want, ps)
		}
	}
	if got := quoteFor("pwsh", "it's"); got != "'it''s'" {
		t.Errorf("pwsh quote = %s", got)
	}
}

func TestWithBlockIdempotent(t *testing.T) {
	block := setupBlock("bash", "/h/.tote", "/usr/bin/tote", false)
	one := withBlock([]byte("# mine\nalias ll='ls -l'"), block)
	two := withBlock(one, block)
	if string(one) != string(two) {
		t.Errorf("second setup changed the profile:\n%s\n---\n%s", one, two)
	}
	act := withBlock(one, setupBlock("bash", "/h/.tote", "/usr/bin/tote", true))
	if strings.Count(string(act), setupBegin) != 1 || !strings.Contains(string(act), "activate bash") || strings.Contains(string(act), "shims") {
		t.Errorf("switching to activation:\n%s", act)
	}
	if !strings.HasPrefix(string(act), "# mine\nalias ll='ls -l'\n") {
		t.Errorf("the rest of the profile changed:\n%s", act)
	}
}
