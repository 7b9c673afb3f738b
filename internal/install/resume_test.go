package install

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// versionedFile serves one file with an ETag and Last-Modified through
// http.ServeContent (which honours Range and If-Range as real servers do).
// While cut is set, a whole-file request sends half the body and then
// stalls until the client gives up (a download killed part way).
type versionedFile struct {
	body     atomic.Pointer[[]byte]
	etag     atomic.Pointer[string]
	cut      atomic.Bool
	sentHalf chan struct{}
	log      requestLog
}

func newVersionedFile(body []byte, etag string) *versionedFile {
	v := &versionedFile{sentHalf: make(chan struct{}, 8)}
	v.set(body, etag)
	return v
}

func (v *versionedFile) set(body []byte, etag string) {
	v.body.Store(&body)
	v.etag.Store(&etag)
}

func (v *versionedFile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.log.add(r)
	body := *v.body.Load()
	if etag := *v.etag.Load(); etag != "" {
		w.Header().Set("ETag", etag)
	}
	if v.cut.Load() && r.Header.Get("Range") == "" {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		v.sentHalf <- struct{}{}
		<-r.Context().Done()
		return
	}
	http.ServeContent(w, r, "f", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), bytes.NewReader(body))
}

// interrupted starts a download that is cancelled once half the file has
// arrived, as when tote is interrupted or killed.
func interrupted(t *testing.T, v *versionedFile, u, dest string) {
	t.Helper()
	v.cut.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-v.sentHalf; time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := fastDownloader().Download(ctx, u, nil, dest)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted download: %v", err)
	}
	v.cut.Store(false)
}

// TestDownloadResumesAcrossProcesses: a download interrupted half way
// keeps its part file and sidecar; the next Downloader (a new process)
// asks only for the rest, with If-Range, and the result is whole.
func TestDownloadResumesAcrossProcesses(t *testing.T) {
	body := payload(t, 512<<10)
	v := newVersionedFile(body, `"v1"`)
	srv := httptest.NewServer(v)
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "node.tar.gz")
	interrupted(t, v, srv.URL+"/node.tar.gz", dest)
	fi, err := os.Stat(dest + ".part")
	if err != nil || fi.Size() == 0 {
		t.Fatalf("no part file kept: %v", err)
	}
	if _, err := os.Stat(dest + ".part.json"); err != nil {
		t.Fatalf("no sidecar: %v", err)
	}
	var out bytes.Buffer
	d := fastDownloader()
	d.Progress = &out
	res, err := d.Download(context.Background(), srv.URL+"/node.tar.gz", nil, dest)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, dest, body)
	if res.Resumed != fi.Size() {
		t.Errorf("resumed %d bytes, the part file had %d", res.Resumed, fi.Size())
	}
	reqs := v.log.all()
	last := reqs[len(reqs)-1].Header
	if last.Get("Range") != "bytes="+strconv.Itoa(int(fi.Size()))+"-" || last.Get("If-Range") != `"v1"` {
		t.Errorf("resume request: Range %q If-Range %q", last.Get("Range"), last.Get("If-Range"))
	}
	if !strings.Contains(out.String(), "resuming "+srv.URL+"/node.tar.gz after") {
		t.Errorf("progress does not say it resumed:\n%s", out.String())
	}
	if _, err := os.Stat(dest + ".part.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Error("sidecar left after success")
	}
}

// TestDownloadRestartsWhenFileChanged: upstream replaced the file between
// the two processes (new ETag): If-Range makes the server send the new
// file whole, and the result is the new file, not a splice.
func TestDownloadRestartsWhenFileChanged(t *testing.T) {
	v := newVersionedFile(payload(t, 256<<10), `"v1"`)
	srv := httptest.NewServer(v)
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f.tar.gz")
	interrupted(t, v, srv.URL+"/f.tar.gz", dest)
	newBody := payload(t, 256<<10)
	v.set(newBody, `"v2"`)
	res, err := fastDownloader().Download(context.Background(), srv.URL+"/f.tar.gz", nil, dest)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, dest, newBody)
	if res.Resumed != 0 {
		t.Errorf("resumed %d bytes of a changed file", res.Resumed)
	}
}

// TestDownloadPartWithoutValidatorsIsDropped: a server with neither ETag
// nor Last-Modified cannot prove a later file is the same: the part file
// of an interrupted download is not kept.
func TestDownloadPartWithoutValidatorsIsDropped(t *testing.T) {
	body := payload(t, 64<<10)
	var started = make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:1000])
		w.(http.Flusher).Flush()
		started <- struct{}{}
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	dest := filepath.Join(t.TempDir(), "f")
	if _, err := fastDownloader().Download(ctx, srv.URL+"/f", nil, dest); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	assertNoFiles(t, dest)
}

// TestDownloadVerifiesInFlight: the wanted checksum is checked against the
// digest computed while downloading; a mismatch names the URL, and nothing
// is kept, not even a resumable part file.
func TestDownloadVerifiesInFlight(t *testing.T) {
	body := payload(t, 100<<10)
	v := newVersionedFile(body, `"v1"`)
	srv := httptest.NewServer(v)
	defer srv.Close()
	dir := t.TempDir()
	s512 := sha512.Sum512(body)
	res, err := fastDownloader().Get(context.Background(), Request{URL: srv.URL + "/a", Dest: filepath.Join(dir, "a"), Want: Checksum{Algo: AlgoSHA512, Value: hex.EncodeToString(s512[:])}})
	if err != nil || res.SHA512 != hex.EncodeToString(s512[:]) {
		t.Fatalf("sha512 download: %+v %v", res, err)
	}
	bad := sha256.Sum256([]byte("something else"))
	dest := filepath.Join(dir, "b")
	_, err = fastDownloader().Get(context.Background(), Request{URL: srv.URL + "/b", Dest: dest, Want: Checksum{Algo: AlgoSHA256, Value: hex.EncodeToString(bad[:])}})
	var mm *ChecksumMismatchError
	if !errors.As(err, &mm) || mm.URL != srv.URL+"/b" || mm.Expected != hex.EncodeToString(bad[:]) {
		t.Fatalf("want a checksum mismatch naming the URL, got %v", err)
	}
	assertNoFiles(t, dest)
	if _, err := os.Stat(dest + ".part.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Error("sidecar kept after a mismatch")
	}
}

// TestDownloadMaxSize: a file larger than MaxSize fails before a byte is
// written when its length is announced, and as soon as it passes the limit
// when it is not.
func TestDownloadMaxSize(t *testing.T) {
	body := payload(t, 64<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.Write(body[:1])
			w.(http.Flusher).Flush() // no Content-Length
			w.Write(body[1:])
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	for _, p := range []string{"/known", "/chunked"} {
		dest := filepath.Join(t.TempDir(), "f")
		_, err := fastDownloader().Get(context.Background(), Request{URL: srv.URL + p, Dest: dest, MaxSize: 10 << 10, MaxSizeSetting: "settings.unpack.max-size"})
		var tl *TooLargeError
		if !errors.As(err, &tl) || !strings.Contains(err.Error(), "larger than the limit of 10.0 KiB") || !strings.Contains(err.Error(), "settings.unpack.max-size") {
			t.Errorf("%s: %v", p, err)
		}
		assertNoFiles(t, dest)
	}
}
