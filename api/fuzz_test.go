package api

import (
	"encoding/json"
	"testing"
)

// outputs are every document a plugin sends to the host.
func outputs() []func() any {
	return []func() any{
		func() any { return new(RegisterToolOutput) },
		func() any { return new(DownloadPrebuiltOutput) },
		func() any { return new(LocateExecutablesOutput) },
		func() any { return new(LoadVersionsOutput) },
		func() any { return new(ResolveVersionOutput) },
		func() any { return new(DetectVersionOutput) },
		func() any { return new(ParseVersionFileOutput) },
		func() any { return new(VerifyChecksumOutput) },
		func() any { return new(NativeInstallOutput) },
		func() any { return new(NativeUninstallOutput) },
		func() any { return new(RunHookResult) },
		func() any { return new(SyncManifestOutput) },
		func() any { return new(PinVersionOutput) },
		func() any { return new(UnpinVersionOutput) },
		func() any { return new(ActivateEnvironmentOutput) },
		func() any { return new(ExecCommandInput) },
		func() any { return new(SendRequestInput) },
		func() any { return new(DownloadFileInput) },
		func() any { return new(HostLogInput) },
		func() any { return new(ExtensionMetadata) },
		func() any { return new(SubscribeInput) },
		func() any { return new(CommandSpec) },
		func() any { return new(EventReply) },
		func() any { return new(CommandReply) },
		func() any { return new(AccessResult) },
		func() any { return new(DownloadResult) },
		func() any { return new(RunResult) },
	}
}

// FuzzDecodeOutputs: a hostile plugin's output never panics the host's
// decoding, and whatever decodes re-encodes.
func FuzzDecodeOutputs(f *testing.F) {
	for _, s := range []string{
		`{"exes":{"node":{"exe_path":"bin/node","shim_before_args":"x"}},"primary":{"exe_path":"a"},"secondary":{"b":{}},"exes_dir":"bin"}`,
		`{"versions":["1.0.0"],"aliases":{"lts":"1"}}`,
		`{"install_dir":{"path":"/proto","virtual_prefix":"/proto","real_prefix":"/r"}}`,
		`{"body":[1,2,3],"status":200}`, `"bare"`, `null`, `[]`, `{"message":"m","data":{"k":[1,{"x":null}]}}`,
		`{"cwd":"/cwd","working_dir":{"path":"/x"}}`, `{"result":{"deny":true}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, mk := range outputs() {
			v := mk()
			if err := json.Unmarshal(b, v); err != nil {
				continue
			}
			if l, ok := v.(*LocateExecutablesOutput); ok {
				l.Normalize("tool")
			}
			if _, err := json.Marshal(v); err != nil {
				t.Fatalf("%T decoded %q but does not encode: %v", v, b, err)
			}
		}
	})
}
