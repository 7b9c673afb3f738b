package runtime

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/vpath"
)

// raceDuration is how long TestAttackSymlinkRace races: 20 s, or
// $TOTE_RACE_SECONDS.
func raceDuration(t *testing.T) time.Duration {
	if s := os.Getenv("TOTE_RACE_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("TOTE_RACE_SECONDS=%q", s)
		}
		return time.Duration(n) * time.Second
	}
	return 20 * time.Second
}

// TestAttackSymlinkRace is issue 11's first escape: two instances of one
// plugin loop rename() of directories against relative links that lead out
// of every mount (../../…/etc, and a directory outside the mounts), while a
// third instance reads /temp/<id>/race/passwd and creates files through
// /temp/<id>/racew. A sandbox that checks a path and then opens it by name
// loses this race; one that resolves every operation beneath its root
// never does: the probe reads only the decoy and creates files only inside
// the mount.
func TestAttackSymlinkRace(t *testing.T) {
	t.Parallel()
	dur := raceDuration(t)
	base := t.TempDir()
	home := filepath.Join(base, "home")
	temp := filepath.Join(home, "temp")
	cwd := filepath.Join(base, "cwd")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{temp, cwd, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rt := newRuntime(t, NewConfig().
		WithMounts(vpath.ToolMounts(home, filepath.Join(base, "userhome"), cwd, temp)).
		WithCallTimeout(dur+time.Minute))
	// Three instances of one plugin, as two tools sharing one .wasm in one
	// `tote install`: the same id, so the same temporary directory.
	racers := make([]*Plugin, 3)
	for i := range racers {
		racers[i] = load(t, rt, "symlink-race", LoadOptions{ID: "racer"})
	}
	dir := filepath.Join(temp, "racer")
	out, err := filepath.Rel(dir, outside)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in := map[string]any{"dir": "/temp/racer", "out": out, "millis": dur.Milliseconds()}
	if err := racers[0].Call(ctx, "setup", in, nil); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(filepath.Join(dir, "etc-link")); err != nil || !strings.HasSuffix(target, "../etc") {
		t.Fatalf("the plugin could not plant its link: %q, %v", target, err)
	}

	var wg sync.WaitGroup
	renames := make([]map[string]int, 2)
	var probe struct {
		Reads, Decoys, Escapes, Created, Tries int
		Leak                                   string
	}
	errs := make([]error, 3)
	// The racers spin for dur whatever the machine does: at the lowest
	// priority they take the cores the rest of the suite leaves idle, and
	// both cores when run alone.
	for i := range 2 {
		wg.Go(func() { lowPriority(); errs[i] = racers[i].Call(ctx, "swap", in, &renames[i]) })
	}
	wg.Go(func() { lowPriority(); errs[2] = racers[2].Call(ctx, "probe", in, &probe) })
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	t.Logf("%s: renames %d + %d; probe: %d tries, %d reads (%d decoys, %d foreign), %d files created",
		dur, renames[0]["renames"], renames[1]["renames"], probe.Tries, probe.Reads, probe.Decoys, probe.Escapes, probe.Created)
	if renames[0]["renames"] == 0 || renames[1]["renames"] == 0 || probe.Tries == 0 {
		t.Fatal("the race did not run")
	}
	if probe.Escapes > 0 {
		t.Errorf("the probe read %d files from outside its mounts, first: %q", probe.Escapes, probe.Leak)
	}
	entries, err := os.ReadDir(outside)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		t.Errorf("%d files were created outside every mount (%s, …)", len(entries), entries[0].Name())
	}
	if m, _ := filepath.Glob("/etc/tote-race-*"); len(m) > 0 {
		t.Errorf("files were created in /etc: %v", m)
	}
}

// TestAttackRedirectOffAllowList is issue 11's sixth escape: a plugin
// allowed only 127.0.0.1 asks for a URL there that redirects to 127.0.0.2
// (loopback too on Linux, but another host to the allow-list). Every hop is
// checked against the grant through send_request, download_file and
// Extism's own http_request, for a tool plugin (the call fails) and under
// SoftDeny, as extensions run (the plugin gets the refusal and goes on).
// 127.0.0.2 never receives a request; redirects that stay on 127.0.0.1 are
// followed.
func TestAttackRedirectOffAllowList(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	target, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	targetSrv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("secret"))
	})}
	go targetSrv.Serve(target)
	t.Cleanup(func() { targetSrv.Close() })
	secret := "http://" + target.Addr().String() + "/secret"
	hop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hop":
			http.Redirect(w, r, secret, http.StatusFound)
		case "/hop2":
			http.Redirect(w, r, "/hop", http.StatusMovedPermanently)
		case "/inside":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/file":
			http.Redirect(w, r, "/hop", http.StatusTemporaryRedirect)
		default:
			w.Write([]byte("fine"))
		}
	}))
	t.Cleanup(hop.Close)

	home := t.TempDir()
	temp := filepath.Join(home, "temp")
	rt := newRuntime(t, NewConfig().WithMounts(vpath.ToolMounts(home, "", "", temp)))
	ctx := context.Background()
	type fetchOut struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	tool := load(t, rt, "net-denied", LoadOptions{ID: "tool", AllowedHosts: []string{"127.0.0.1"}})
	ext := load(t, rt, "net-denied", LoadOptions{ID: "ext", AllowedHosts: []string{"127.0.0.1"}, SoftDeny: true})
	for _, fn := range []string{"fetch", "http_fetch"} {
		for _, path := range []string{"/hop", "/hop2"} {
			err := tool.Call(ctx, fn, map[string]string{"url": hop.URL + path}, nil)
			ce := wantKind(t, err, KindPermissionDenied, "tool", fn)
			if !strings.Contains(ce.Message, "127.0.0.2") || !strings.Contains(ce.Message, "redirected") {
				t.Errorf("%s %s: refusal %q does not say where the redirect led", fn, path, ce.Message)
			}
			var out fetchOut
			err = ext.Call(ctx, fn, map[string]string{"url": hop.URL + path}, &out)
			if fn == "fetch" {
				// send_request answers {"error":"permission-denied: ..."},
				// which this fixture's raw decoding sees as no response.
				if err != nil || out.Status != 0 || out.Body != "" {
					t.Errorf("soft %s %s = %+v, %v", fn, path, out, err)
				}
			} else if err != nil || out.Status != 0 || !strings.Contains(out.Body, `"error":"permission-denied`) {
				t.Errorf("soft %s %s = %+v, %v", fn, path, out, err)
			}
		}
		var out fetchOut
		if err := tool.Call(ctx, fn, map[string]string{"url": hop.URL + "/inside"}, &out); err != nil || out.Status != 200 || out.Body != "fine" {
			t.Errorf("%s: a redirect on the allow-list = %+v, %v", fn, out, err)
		}
	}
	caller := load(t, rt, "host-caller", LoadOptions{ID: "caller", AllowedHosts: []string{"127.0.0.1"}})
	err = caller.Call(ctx, "probe", map[string]any{"download": api.DownloadFileInput{URL: hop.URL + "/file", File: api.NewVirtualPath("/temp/caller/x")}}, nil)
	wantKind(t, err, KindPermissionDenied, "caller", "probe")
	if _, err := os.Stat(filepath.Join(temp, "caller", "x")); err == nil {
		t.Error("download_file followed a redirect off the allow-list")
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("127.0.0.2 received %d requests", n)
	}
}
