//go:build !wasip1

package sdk

// errNoHost is reported by every host call outside a wasip1 build.
const errNoHost = "sdk: not running inside a tote plugin host (build with GOOS=wasip1 GOARCH=wasm)"

// nativeABI lets the SDK compile and its pure parts run on any platform.
// There is no host: input is empty, output is dropped, configuration is
// absent and host functions return nothing.
type nativeABI struct{}

func defaultABI() abi { return nativeABI{} }

func (nativeABI) input() []byte                    { return nil }
func (nativeABI) output([]byte)                    {}
func (nativeABI) setError(string)                  {}
func (nativeABI) config(string) (string, bool)     { return "", false }
func (nativeABI) execCommand([]byte) []byte        { return []byte(errNoHost) }
func (nativeABI) sendRequest([]byte) []byte        { return []byte(errNoHost) }
func (nativeABI) downloadFile([]byte) []byte       { return []byte(errNoHost) }
func (nativeABI) readMemory(uint64, uint64) []byte { return nil }
func (nativeABI) getEnvVar(string) string          { return "" }
func (nativeABI) setEnvVar(string, string)         {}
func (nativeABI) hostLog([]byte)                   {}
func (nativeABI) toVirtualPath(p string) string    { return p }
func (nativeABI) fromVirtualPath(p string) string  { return p }
