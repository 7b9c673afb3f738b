package main

import (
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/sdk/ext"
)

func TestPolicy(t *testing.T) {
	h := ext.NewTestHost(&Policy{})
	err := h.Enable(api.EnableInput{Config: map[string]any{
		"minimum": map[string]any{"node": "18.0.0", "go": "1.21.0"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tool, version, want string
	}{
		{"node", "16.20.2", `{"deny":true,"reason":"node 16.20.2 is below the minimum version 18.0.0 allowed by policy"}`},
		{"node", "18.0.0", ""},
		{"node", "20.11.1", ""},
		{"go", "1.20.14", `{"deny":true,"reason":"go 1.20.14 is below the minimum version 1.21.0 allowed by policy"}`},
		{"deno", "1.0.0", ""},
	} {
		res, err := h.Fire(ext.PreInstall, api.InstallEvent{Tool: tc.tool, Version: tc.version}, nil)
		if err != nil || string(res) != tc.want {
			t.Errorf("%s %s: %s, %v; want %s", tc.tool, tc.version, res, err, tc.want)
		}
	}
	reply, err := h.Run("policy")
	if err != nil || reply.Stdout != "go >= 1.21.0\nnode >= 18.0.0\n" {
		t.Errorf("tote policy: %+v, %v", reply, err)
	}
}

func TestBadMinimum(t *testing.T) {
	h := ext.NewTestHost(&Policy{})
	err := h.Enable(api.EnableInput{Config: map[string]any{"minimum": map[string]any{"node": "1..2"}}})
	if err == nil {
		t.Fatal("a bad minimum was accepted")
	}
}
