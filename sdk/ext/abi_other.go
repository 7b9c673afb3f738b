//go:build !wasip1

package ext

// errNoHost is the reply of every host function outside a wasip1 build.
const errNoHost = "ext: not running inside a tote extension host (build with GOOS=wasip1 GOARCH=wasm, or test with ext.NewTestHost)"

// nativeABI lets the package compile and be unit tested on any platform;
// without a host every call is refused. [NewTestHost] provides a host.
type nativeABI struct{}

func defaultABI() abi { return nativeABI{} }

func (nativeABI) subscribe([]byte) []byte       { return []byte(errNoHost) }
func (nativeABI) registerCommand([]byte) []byte { return []byte(errNoHost) }
func (nativeABI) listTools([]byte) []byte       { return []byte(errNoHost) }
