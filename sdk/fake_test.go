package sdk

import (
	"encoding/json"
	"testing"

	"github.com/tote-dev/tote/api"
)

// fakeABI is an in-memory host for the SDK's native tests. Its host
// functions answer with the documents the test sets, and it records what
// the plugin sent.
type fakeABI struct {
	in     []byte
	out    []byte
	outSet bool
	err    string
	cfg    map[string]string
	reads  map[string]int // config reads per key

	execReply []byte
	execSent  []byte
	sendReply []byte
	sendSent  []byte
	dlReply   []byte
	dlSent    []byte
	memory    map[uint64][]byte
	freed     []uint64
	env       map[string]string
	logs      []api.HostLogInput
	toVirtual map[string]string
	toReal    map[string]string
}

func (f *fakeABI) input() []byte       { return f.in }
func (f *fakeABI) output(b []byte)     { f.out, f.outSet = b, true }
func (f *fakeABI) setError(msg string) { f.err = msg }
func (f *fakeABI) config(k string) (string, bool) {
	if f.reads == nil {
		f.reads = map[string]int{}
	}
	f.reads[k]++
	v, ok := f.cfg[k]
	return v, ok
}
func (f *fakeABI) execCommand(in []byte) []byte  { f.execSent = in; return f.execReply }
func (f *fakeABI) sendRequest(in []byte) []byte  { f.sendSent = in; return f.sendReply }
func (f *fakeABI) downloadFile(in []byte) []byte { f.dlSent = in; return f.dlReply }
func (f *fakeABI) readMemory(offset, length uint64) []byte {
	f.freed = append(f.freed, offset)
	b := f.memory[offset]
	if uint64(len(b)) > length {
		b = b[:length]
	}
	return b
}
func (f *fakeABI) getEnvVar(name string) string {
	if name == "" {
		panic("get_env_var: empty variable name") // as tote's host refuses it
	}
	return f.env[name]
}
func (f *fakeABI) setEnvVar(name, value string) {
	if f.env == nil {
		f.env = map[string]string{}
	}
	f.env[name] = value
}
func (f *fakeABI) hostLog(in []byte) {
	var l api.HostLogInput
	if err := json.Unmarshal(in, &l); err != nil {
		panic(err)
	}
	f.logs = append(f.logs, l)
}
func (f *fakeABI) toVirtualPath(p string) string   { return f.toVirtual[p] }
func (f *fakeABI) fromVirtualPath(p string) string { return f.toReal[p] }

// useFake makes f the host for the rest of the test.
func useFake(t *testing.T, f *fakeABI) *fakeABI {
	t.Helper()
	prev := current
	current = newState(f)
	t.Cleanup(func() { current = prev })
	return f
}
