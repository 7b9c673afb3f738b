package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/sdk/ext"
)

func enable(t *testing.T, cfg map[string]any) *ext.TestHost {
	t.Helper()
	h := ext.NewTestHost(&Policy{})
	if err := h.Enable(api.EnableInput{Reason: api.ReasonStartup, Config: cfg}); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestPolicy(t *testing.T) {
	h := enable(t, map[string]any{"minimum": map[string]any{"ripgrep": "14.0.0"}})
	tests := []struct {
		tool, version string
		deny          bool
	}{
		{"ripgrep", "13.0.0", true},
		{"ripgrep", "14.0.0", false},
		{"ripgrep", "14.1.1", false},
		{"node", "10.0.0", false}, // no minimum for node
	}
	for _, tt := range tests {
		raw, err := h.Fire(ext.PreInstall, api.InstallEvent{Tool: tt.tool, Version: tt.version}, api.AccessResult{})
		if err != nil {
			t.Fatal(err)
		}
		var res api.AccessResult
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &res); err != nil {
				t.Fatal(err)
			}
		}
		if res.Deny != tt.deny {
			t.Errorf("%s %s: deny = %v, want %v (%s)", tt.tool, tt.version, res.Deny, tt.deny, raw)
		}
		if tt.deny && !strings.Contains(res.Reason, "ripgrep 13.0.0 is below the minimum version 14.0.0") {
			t.Errorf("reason = %q", res.Reason)
		}
	}
	subs := h.Subscriptions()
	if len(subs) != 1 || subs[0].Event != ext.PreInstall || subs[0].Priority != ext.Early {
		t.Errorf("subscriptions = %+v, want one early pre-install listener", subs)
	}
}

func TestPolicyRejectsBadConfig(t *testing.T) {
	h := ext.NewTestHost(&Policy{})
	err := h.Enable(api.EnableInput{Reason: api.ReasonStartup, Config: map[string]any{"minimum": map[string]any{"ripgrep": "not a version"}}})
	if err == nil || !strings.Contains(err.Error(), `minimum.ripgrep = "not a version" is not a version`) {
		t.Errorf("enable with a bad minimum: %v", err)
	}
}
