package sdk

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
)

func TestFetchReadsBodyFromMemory(t *testing.T) {
	f := useFake(t, &fakeABI{
		sendReply: []byte(`{"status":200,"body":[],"body_offset":4096,"body_length":5,"headers":{"content-type":"text/plain"}}`),
		memory:    map[uint64][]byte{4096: []byte("hello, extra")},
	})
	resp, err := Fetch("http://127.0.0.1:1/v.json", WithHeader("Accept", "application/json"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || string(resp.Body) != "hello" || resp.Headers["content-type"] != "text/plain" || !resp.OK() {
		t.Errorf("resp = %+v", resp)
	}
	if !reflect.DeepEqual(f.freed, []uint64{4096}) {
		t.Errorf("freed = %v", f.freed)
	}
	var sent api.SendRequestInput
	if err := json.Unmarshal(f.sendSent, &sent); err != nil {
		t.Fatal(err)
	}
	if sent.URL != "http://127.0.0.1:1/v.json" || sent.Headers["Accept"] != "application/json" {
		t.Errorf("sent %s", f.sendSent)
	}
}

func TestFetchInlineBody(t *testing.T) {
	useFake(t, &fakeABI{sendReply: []byte(`{"status":404,"body":[110,111]}`)})
	resp, err := Fetch("http://h/x")
	if err != nil || resp.Status != 404 || string(resp.Body) != "no" || resp.OK() {
		t.Errorf("resp %+v err %v", resp, err)
	}
}

func TestFetchJSONAndText(t *testing.T) {
	f := useFake(t, &fakeABI{sendReply: []byte(`{"status":200,"body":[],"body_offset":8,"body_length":13}`),
		memory: map[uint64][]byte{8: []byte(`["1.0","2.0"]`)}})
	var list []string
	if err := FetchJSON("http://h/list", &list); err != nil || !reflect.DeepEqual(list, []string{"1.0", "2.0"}) {
		t.Errorf("list %v err %v", list, err)
	}
	text, err := FetchText("http://h/list")
	if err != nil || text != `["1.0","2.0"]` {
		t.Errorf("text %q err %v", text, err)
	}

	f.sendReply = []byte(`{"status":200,"body":[123]}`)
	if err := FetchJSON("http://h/list", &list); err == nil || !strings.HasPrefix(err.Error(), "fetch http://h/list: decode JSON: ") {
		t.Errorf("err = %v", err)
	}
	f.sendReply = []byte(`{"status":503,"body":[]}`)
	if err := FetchJSON("http://h/list", &list); err == nil || err.Error() != "fetch http://h/list: HTTP status 503" {
		t.Errorf("err = %v", err)
	}
	if _, err := FetchText("http://h/t"); err == nil || err.Error() != "fetch http://h/t: HTTP status 503" {
		t.Errorf("err = %v", err)
	}
}

func TestFetchHostRefusal(t *testing.T) {
	for reply, want := range map[string]string{
		"":                                      "fetch http://h/: the host returned no result",
		"permission-denied: host h not allowed": "fetch http://h/: permission-denied: host h not allowed",
		`{"error":"dial tcp: refused"}`:         "fetch http://h/: dial tcp: refused",
		`{"status":"x"}`:                        "fetch http://h/: decode host result: ",
	} {
		useFake(t, &fakeABI{sendReply: []byte(reply)})
		_, err := Fetch("http://h/")
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("reply %q: err = %v, want %q", reply, err, want)
		}
	}
}

func TestExec(t *testing.T) {
	f := useFake(t, &fakeABI{execReply: []byte(`{"command":"git","exit_code":0,"stdout":"git version 2.45\n","stderr":""}`)})
	cwd := NewVirtualPath("/cwd")
	out, err := Exec(ExecCommandInput{Command: "git", Args: []string{"--version"}, Cwd: &cwd, Env: map[string]string{"A": "1"}})
	if err != nil || out.Stdout != "git version 2.45\n" || out.ExitCode != 0 {
		t.Fatalf("out %+v err %v", out, err)
	}
	if string(f.execSent) != `{"command":"git","args":["--version"],"cwd":"/cwd","env":{"A":"1"}}` {
		t.Errorf("sent %s", f.execSent)
	}

	f.execReply = []byte(`{"command":"git","exit_code":128,"stdout":"","stderr":"fatal: not a git repository\n"}`)
	out, err = Exec(ExecCommandInput{Command: "git", Args: []string{"status"}})
	if err != nil || out.ExitCode != 128 {
		t.Errorf("Exec with non-zero exit: out %+v err %v", out, err)
	}
	out, err = ExecCapture("git", "status")
	if err == nil || err.Error() != "exec git status: exit code 128: fatal: not a git repository" || out.ExitCode != 128 {
		t.Errorf("ExecCapture: out %+v err %v", out, err)
	}

	f.execReply = []byte("permission-denied: exec is not granted")
	if _, err := ExecCapture("git"); err == nil || err.Error() != "exec git: permission-denied: exec is not granted" {
		t.Errorf("refusal: %v", err)
	}
}

func TestEnvAndLog(t *testing.T) {
	f := useFake(t, &fakeABI{})
	SetEnv("TOTE_X", "1")
	if GetEnv("TOTE_X") != "1" || GetEnv("UNSET") != "" || GetEnv("") != "" {
		t.Errorf("env %v", f.env)
	}
	Trace("t %d", 1)
	Debug("d")
	Info("i %s", "x")
	Warn("w")
	Error("e %v%%", 100)
	Info("100%") // no args: not a format
	want := []api.HostLogInput{
		{Message: "t 1", Target: api.LogTrace},
		{Message: "d", Target: api.LogDebug},
		{Message: "i x", Target: api.LogInfo},
		{Message: "w", Target: api.LogWarn},
		{Message: "e 100%", Target: api.LogError},
		{Message: "100%", Target: api.LogInfo},
	}
	if !reflect.DeepEqual(f.logs, want) {
		t.Errorf("logs = %+v", f.logs)
	}
}

func TestVirtualPathHostFunctions(t *testing.T) {
	useFake(t, &fakeABI{
		cfg:       map[string]string{api.ConfigVirtualPaths: `{"/proto":"/home/me/.tote","/userhome":"/home/me"}`},
		toVirtual: map[string]string{"/home/me/.tote/bin": "/proto/bin"},
		toReal:    map[string]string{"/proto/bin": "/home/me/.tote/bin"},
	})
	if got := ToVirtualPath("/home/me/.tote/bin"); got != "/proto/bin" {
		t.Errorf("ToVirtualPath = %q", got)
	}
	if got := FromVirtualPath("/proto/bin"); got != "/home/me/.tote/bin" {
		t.Errorf("FromVirtualPath = %q", got)
	}
	// The host answered nothing: the SDK falls back to the injected mounts.
	if got := ToVirtualPath("/home/me/.tote/tools/x"); got != "/proto/tools/x" {
		t.Errorf("fallback ToVirtualPath = %q", got)
	}
	if got := FromVirtualPath("/userhome/.config"); got != "/home/me/.config" {
		t.Errorf("fallback FromVirtualPath = %q", got)
	}
	if got := FromVirtualPath("/etc/passwd"); got != "" {
		t.Errorf("outside mounts: %q", got)
	}
}

func TestTranslatePath(t *testing.T) {
	mounts := map[string]string{
		"/proto":      "/home/me/.tote",
		"/proto/temp": "/tmp/tote",
		"/userhome":   "/home/me",
		"/":           "/data/ext",
	}
	for in, want := range map[string]string{
		"/proto":            "/home/me/.tote",
		"/proto/tools/node": "/home/me/.tote/tools/node",
		"/proto/temp/a":     "/tmp/tote/a",
		"/protox/a":         "/data/ext/protox/a",
		"/userhome":         "/home/me",
		"/":                 "/data/ext",
	} {
		if got, ok := translatePath(mounts, in); !ok || got != want {
			t.Errorf("translatePath(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	delete(mounts, "/")
	if got, ok := translatePath(mounts, "/protox/a"); ok {
		t.Errorf("partial element matched: %q", got)
	}
	if got, ok := translatePath(map[string]string{"/home/me": "/"}, "/home/me"); !ok || got != "/" {
		t.Errorf("to root: %q %v", got, ok)
	}
}

func TestDownloadFile(t *testing.T) {
	f := useFake(t, &fakeABI{dlReply: []byte(`{"file":{"path":"/temp/t.tgz","virtual_prefix":"/temp","real_prefix":"/r/temp"},"size":42}`)})
	out, err := DownloadFile("http://h/t.tgz", "/temp/t.tgz", WithHeader("Authorization", "token x"))
	if err != nil || out.Size != 42 || out.File.Path != "/temp/t.tgz" || out.File.RealPath() != "/r/temp/t.tgz" {
		t.Fatalf("out %+v err %v", out, err)
	}
	if string(f.dlSent) != `{"url":"http://h/t.tgz","file":"/temp/t.tgz","headers":{"Authorization":"token x"}}` {
		t.Errorf("sent %s", f.dlSent)
	}
	f.dlReply = nil
	if _, err := DownloadFile("http://h/x", "/temp/x"); err == nil || err.Error() != "download http://h/x: the host returned no result" {
		t.Errorf("err = %v", err)
	}
}
