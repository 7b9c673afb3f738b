package runtime

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/tote-dev/tote/api"
)

// TestSoftDeny checks LoadOptions.SoftDeny: a denied host call returns a
// JSON permission-denied error to the guest, which keeps running, and
// OnDenied hears about every denial.
func TestSoftDeny(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	ctx := context.Background()
	var mu sync.Mutex
	var denials []string
	no := false
	p := load(t, rt, "host-caller", LoadOptions{ID: "soft", SoftDeny: true, AllowEnvRead: &no,
		OnDenied: func(fn, msg string) {
			mu.Lock()
			denials = append(denials, fn+": "+msg)
			mu.Unlock()
		}})
	t.Setenv("TOTE_SOFT_SECRET", "s3cret")
	in := map[string]any{
		"set_env": map[string]string{"TOTE_SOFT_SET": "1"},
		"get_env": []string{"TOTE_SOFT_SECRET"},
		"exec":    api.ExecCommandInput{Command: "echo", Args: []string{"hi"}},
	}
	for round := range 2 { // the same instance answers twice: nothing trapped
		var out struct {
			Env  map[string]string      `json:"env"`
			Exec *api.ExecCommandOutput `json:"exec"`
		}
		if err := p.Call(ctx, "probe", in, &out); err != nil {
			t.Fatalf("round %d: a soft-denied call failed the plugin call: %v", round, err)
		}
		got := out.Env["TOTE_SOFT_SECRET"]
		var e struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal([]byte(got), &e); err != nil || !strings.HasPrefix(e.Error, api.PermissionDenied+": get_env_var") {
			t.Fatalf("round %d: get_env_var returned %q, want a permission-denied JSON error", round, got)
		}
		if strings.Contains(got, "s3cret") {
			t.Fatalf("denied read leaked the value: %q", got)
		}
		if out.Exec == nil || out.Exec.Stdout != "" {
			t.Fatalf("round %d: exec output %+v, want nothing run", round, out.Exec)
		}
	}
	if ov := p.EnvOverlay(); len(ov) != 0 {
		t.Errorf("denied set_env_var changed the overlay: %v", ov)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(denials) != 6 {
		t.Fatalf("OnDenied heard %d denials, want 6 (set, get, exec twice): %q", len(denials), denials)
	}
	for _, fn := range []string{api.HostSetEnvVar, api.HostGetEnvVar, api.HostExecCommand} {
		found := false
		for _, d := range denials {
			found = found || strings.HasPrefix(d, fn+": "+api.PermissionDenied)
		}
		if !found {
			t.Errorf("no denial reported for %s: %q", fn, denials)
		}
	}

	// Without SoftDeny the same call still fails the whole call.
	hard := load(t, rt, "host-caller", LoadOptions{ID: "hard", AllowEnvRead: &no})
	err := hard.Call(ctx, "probe", map[string]any{"get_env": []string{"HOME"}}, nil)
	wantKind(t, err, KindPermissionDenied, "hard", "probe")
}
