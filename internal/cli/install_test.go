package cli

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/internal/toolchain"
)

// TestNewCmdInstallFlags checks install's argument and flag parsing
// through the runF seam, without installing anything.
func TestNewCmdInstallFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    InstallOptions
		wantErr string
	}{
		{name: "bare", args: "", want: InstallOptions{}},
		{name: "tool", args: "node", want: InstallOptions{Jobs: []toolchain.Job{{Tool: "node"}}}},
		{name: "tool spec", args: "node 20 --force --quiet", want: InstallOptions{Jobs: []toolchain.Job{{Tool: "node", Spec: "20"}}, Force: true, Quiet: true}},
		{name: "pin default", args: "go 1.22 --pin", want: InstallOptions{Jobs: []toolchain.Job{{Tool: "go", Spec: "1.22"}}, Pin: "local"}},
		{name: "pin global", args: "go --pin=global", want: InstallOptions{Jobs: []toolchain.Job{{Tool: "go"}}, Pin: "global"}},
		{name: "update lock and jobs", args: "--update-lock -j 2", want: InstallOptions{UpdateLock: true, Workers: 2}},
		{name: "passthrough", args: "node 20 -- --with-npm x", want: InstallOptions{Jobs: []toolchain.Job{{Tool: "node", Spec: "20"}}, Passthrough: []string{"--with-npm", "x"}}},
		{name: "bad pin", args: "node --pin=project", wantErr: `--pin takes local or global, not "project"`},
		{name: "pin without tool", args: "--pin", wantErr: "--pin needs a TOOL"},
		{name: "bad jobs", args: "--jobs -1", wantErr: "--jobs must be 1 or more"},
		{name: "spec among several", args: "node 20 extra", wantErr: `"20" is not a tool, and a spec goes with its tool`},
		{name: "tool@spec", args: "node@20 go@1.22 zig", want: InstallOptions{Jobs: []toolchain.Job{{Tool: "node", Spec: "20"}, {Tool: "go", Spec: "1.22"}, {Tool: "zig"}}}},
		{name: "alias named like the tool", args: "node node", want: InstallOptions{Jobs: []toolchain.Job{{Tool: "node", Spec: "node"}}}},
		{name: "empty spec", args: "node@", wantErr: `"node@" is not TOOL or TOOL@SPEC`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *InstallOptions
			f := &Factory{IO: &IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}}
			cmd := NewCmdInstall(f, func(_ context.Context, o *InstallOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(strings.Fields(tt.args))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}
