package toolchain

import (
	"context"
	"fmt"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
)

// PinNative pins spec in the tool's own version file (proto's pin
// --tool-native): the plugin's pin_version writes it into dir, which it may
// write to during that call only. It returns the file written.
func (m *Manager) PinNative(ctx context.Context, id, spec, dir string) (string, error) {
	t, err := m.Tool(ctx, id)
	if err != nil {
		return "", err
	}
	if !t.Plugin.HasFunction(api.FuncPinVersion) {
		return "", fmt.Errorf("the plugin of %s has no pin_version: it cannot pin in its own file; pin in .prototools instead (without --tool-native)", id)
	}
	var out api.PinVersionOutput
	in := api.PinVersionInput{Context: m.context(id, ""), Dir: m.virtual(dir), Version: spec}
	if err := t.Plugin.Call(runtime.WithWritable(ctx, dir), api.FuncPinVersion, in, &out); err != nil {
		return "", err
	}
	if !out.Pinned || out.File == nil {
		msg := out.Error
		if msg == "" {
			msg = "the plugin did not pin it"
		}
		return "", fmt.Errorf("plugin %q function %s: %s", id, api.FuncPinVersion, msg)
	}
	return m.real(id, out.File.Path)
}

// UnpinNative removes the pin from the tool's own version file (proto's
// unpin --tool-native) through the plugin's unpin_version. It returns the
// file changed and the spec that was pinned.
func (m *Manager) UnpinNative(ctx context.Context, id, dir string) (file, spec string, err error) {
	t, err := m.Tool(ctx, id)
	if err != nil {
		return "", "", err
	}
	if !t.Plugin.HasFunction(api.FuncUnpinVersion) {
		return "", "", fmt.Errorf("the plugin of %s has no unpin_version; unpin in .prototools instead (without --tool-native)", id)
	}
	var out api.UnpinVersionOutput
	in := api.UnpinVersionInput{Context: m.context(id, ""), Dir: m.virtual(dir)}
	if err := t.Plugin.Call(runtime.WithWritable(ctx, dir), api.FuncUnpinVersion, in, &out); err != nil {
		return "", "", err
	}
	if !out.Unpinned || out.File == nil {
		msg := out.Error
		if msg == "" {
			msg = "the plugin did not unpin it"
		}
		return "", "", fmt.Errorf("plugin %q function %s: %s", id, api.FuncUnpinVersion, msg)
	}
	file, err = m.real(id, out.File.Path)
	return file, out.Version, err
}
