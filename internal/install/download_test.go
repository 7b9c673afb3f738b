package install

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vbauerster/mpb/v8"

	"github.com/tote-dev/tote/internal/httpx"
)

// payload is a random body of n bytes.
func payload(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// requestLog records what a test server was asked.
type requestLog struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (l *requestLog) add(r *http.Request) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, r)
	return len(l.reqs)
}

func (l *requestLog) all() []*http.Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*http.Request(nil), l.reqs...)
}

// serveRange answers a GET with body, honouring "Range: bytes=N-".
func serveRange(w http.ResponseWriter, r *http.Request, body []byte) {
	if rg := r.Header.Get("Range"); rg != "" {
		start, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"))
		if err != nil || start > len(body) {
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(body)-1, len(body)))
		w.Header().Set("Content-Length", strconv.Itoa(len(body)-start))
		w.WriteHeader(http.StatusPartialContent)
		_, _ = w.Write(body[start:])
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// fastDownloader retries quickly.
func fastDownloader() *Downloader {
	return &Downloader{Backoff: 5 * time.Millisecond, Client: httpx.NewClient(httpx.Limits{ResponseTimeout: 5 * time.Second, MinBytes: 1, Window: 5 * time.Second})}
}

func checkResult(t *testing.T, res DownloadResult, dest string, body []byte) {
	t.Helper()
	got, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Fatalf("dest has %d bytes, differing from the %d served", len(got), len(body))
	}
	s256 := sha256.Sum256(body)
	if res.Size != int64(len(body)) || res.SHA256 != hex.EncodeToString(s256[:]) || res.SHA512 != "" {
		t.Fatalf("result %+v does not describe the body (size %d)", res, len(body))
	}
	if res.Path != dest {
		t.Fatalf("result path %s, want %s", res.Path, dest)
	}
	if _, err := os.Stat(dest + ".part"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(".part file left behind")
	}
}

func assertNoFiles(t *testing.T, dest string) {
	t.Helper()
	for _, p := range []string{dest, dest + ".part"} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s exists after a failed download", p)
		}
	}
}

func TestDownloadOK(t *testing.T) {
	body := payload(t, 300<<10)
	var log requestLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		serveRange(w, r, body)
	}))
	defer srv.Close()

	dest := filepath.Join(t.TempDir(), "sub", "node.tar.gz")
	d := fastDownloader()
	d.UserAgent = "tote/test"
	res, err := d.Download(context.Background(), srv.URL+"/dist/node.tar.gz", map[string]string{"Authorization": "Bearer t0k"}, dest)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, dest, body)
	reqs := log.all()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	h := reqs[0].Header
	if h.Get("User-Agent") != "tote/test" || h.Get("Authorization") != "Bearer t0k" || h.Get("Accept-Encoding") != "identity" || h.Get("Range") != "" {
		t.Fatalf("request headers %v", h)
	}
	if res.URL != srv.URL+"/dist/node.tar.gz" || res.Checksum(AlgoSHA256).Value != res.SHA256 {
		t.Fatalf("result %+v", res)
	}
}

func TestDownload404NotRetried(t *testing.T) {
	var log requestLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "x.zip")
	u := srv.URL + "/v9.9.9/x.zip"
	_, err := fastDownloader().Download(context.Background(), u, nil, dest)
	if err == nil || err.Error() != "download "+u+": 404 Not Found" {
		t.Fatalf("error = %v", err)
	}
	var se *HTTPStatusError
	if !errors.As(err, &se) || se.StatusCode != 404 || se.URL != u {
		t.Fatalf("no HTTPStatusError in %v", err)
	}
	if n := len(log.all()); n != 1 {
		t.Fatalf("a 404 was tried %d times", n)
	}
	assertNoFiles(t, dest)
}

func TestDownloadConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dest := filepath.Join(t.TempDir(), "x")
	u := "http://" + addr + "/x"
	d := fastDownloader()
	d.Retries = 1
	_, err = d.Download(context.Background(), u, nil, dest)
	if err == nil || !strings.HasPrefix(err.Error(), "download "+u+": ") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("error = %v", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("error %v does not wrap ECONNREFUSED", err)
	}
	if !strings.Contains(err.Error(), "after 2 attempts") {
		t.Fatalf("error %v does not say it retried", err)
	}
	assertNoFiles(t, dest)
}

// dropHalf answers with the full Content-Length, sends half the body, and
// drops the connection.
func dropHalf(t *testing.T, w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body[:len(body)/2])
	w.(http.Flusher).Flush()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	conn.Close()
}

func TestDownloadResumesWithRange(t *testing.T) {
	body := payload(t, 1<<20)
	var log requestLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if log.add(r) == 1 {
			dropHalf(t, w, body)
			return
		}
		serveRange(w, r, body)
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "node.tar.xz")
	var out bytes.Buffer
	d := fastDownloader()
	d.Progress = &out
	res, err := d.Download(context.Background(), srv.URL+"/node.tar.xz", nil, dest)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, dest, body)
	reqs := log.all()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if reqs[0].Header.Get("Range") != "" {
		t.Fatal("first request had a Range header")
	}
	rg := reqs[1].Header.Get("Range")
	start, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"))
	if err != nil || start <= 0 || start > len(body)/2 {
		t.Fatalf("second request Range %q, want bytes=<received>-", rg)
	}
	if !strings.Contains(out.String(), "downloading "+srv.URL+"/node.tar.xz (1.0 MiB)") || !strings.Contains(out.String(), "retrying "+srv.URL) {
		t.Fatalf("progress output:\n%s", out.String())
	}
}

func TestDownloadRestartsWhenRangeIgnored(t *testing.T) {
	body := payload(t, 200<<10)
	var log requestLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if log.add(r) == 1 {
			dropHalf(t, w, body)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body) // 200, whole body, Range ignored
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	res, err := fastDownloader().Download(context.Background(), srv.URL+"/f", nil, dest)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, dest, body)
	if reqs := log.all(); len(reqs) != 2 || reqs[1].Header.Get("Range") == "" {
		t.Fatalf("want a second, Range request; got %d", len(reqs))
	}
}

func TestDownloadRetries5xx(t *testing.T) {
	body := payload(t, 10<<10)
	var log requestLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if log.add(r) == 1 {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		serveRange(w, r, body)
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	res, err := fastDownloader().Download(context.Background(), srv.URL+"/f", nil, dest)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, dest, body)
	if n := len(log.all()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}

	// Always 503: gives up after Retries+1 attempts and says so.
	var log2 requestLog
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log2.add(r)
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv2.Close()
	d := fastDownloader()
	d.Retries = 2
	_, err = d.Download(context.Background(), srv2.URL+"/f", nil, dest+"2")
	if err == nil || err.Error() != "download "+srv2.URL+"/f: 503 Service Unavailable (after 3 attempts)" {
		t.Fatalf("error = %v", err)
	}
	if n := len(log2.all()); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
	assertNoFiles(t, dest+"2")
}

// rawServer answers every connection with a hand-written HTTP response that
// declares more bytes than it sends.
func TestDownloadShortBody(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	count := 0
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			count++
			mu.Unlock()
			go func() {
				defer c.Close()
				_, _ = http.ReadRequest(bufio.NewReader(c))
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n")
				_, _ = c.Write(bytes.Repeat([]byte("a"), 600))
			}()
		}
	}()
	dest := filepath.Join(t.TempDir(), "f")
	d := fastDownloader()
	d.Retries = 2
	u := "http://" + ln.Addr().String() + "/f"
	_, err = d.Download(context.Background(), u, nil, dest)
	if err == nil || !strings.HasPrefix(err.Error(), "download "+u+": ") || !strings.Contains(err.Error(), "600") || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Fatalf("error = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if count != 3 {
		t.Fatalf("%d attempts, want 3", count)
	}
	assertNoFiles(t, dest)
}

func TestDownloadStallIsRetried(t *testing.T) {
	body := payload(t, 64<<10)
	var log requestLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if log.add(r) == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = w.Write(body[:1000])
			w.(http.Flusher).Flush()
			<-r.Context().Done() // stall until the client gives up
			return
		}
		serveRange(w, r, body)
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	d := fastDownloader()
	d.Client = httpx.NewClient(httpx.Limits{ResponseTimeout: 5 * time.Second, MinBytes: 1, Window: 200 * time.Millisecond})
	var out bytes.Buffer
	d.Progress = &out
	res, err := d.Download(context.Background(), srv.URL+"/f", nil, dest)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, dest, body)
	if reqs := log.all(); len(reqs) != 2 || reqs[1].Header.Get("Range") != "bytes=1000-" {
		t.Fatalf("want a resumed second request, got %d", len(reqs))
	}
	if !strings.Contains(out.String(), "after 1000 bytes: too slow: 0B in the last 200ms") || !strings.Contains(out.String(), "min-throughput = 1B/200ms") {
		t.Fatalf("progress output does not report the stall:\n%s", out.String())
	}
}

func TestDownloadContextCancel(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		_, _ = w.Write(make([]byte, 100))
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	dest := filepath.Join(t.TempDir(), "f")
	_, err := fastDownloader().Download(ctx, srv.URL+"/f", nil, dest)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	assertNoFiles(t, dest)
}

func TestDownloadDiskFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system: disk-full simulation skipped")
	}
	body := payload(t, 64<<10)
	var log requestLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		serveRange(w, r, body)
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	d := fastDownloader()
	d.openFile = func(name string, flag int, perm fs.FileMode) (*os.File, error) {
		if name != dest+".part" {
			t.Errorf("opened %s, want %s.part", name, dest)
		}
		return os.OpenFile("/dev/full", os.O_RDWR, 0)
	}
	_, err := d.Download(context.Background(), srv.URL+"/f", nil, dest)
	if err == nil || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "write "+dest+".part") {
		t.Fatalf("error = %v, want ENOSPC naming the part file", err)
	}
	if n := len(log.all()); n != 1 {
		t.Fatalf("a local write error was retried (%d requests)", n)
	}
	assertNoFiles(t, dest)
}

func TestDownloadRefusesOtherSchemes(t *testing.T) {
	_, err := fastDownloader().Download(context.Background(), "file:///etc/passwd", nil, filepath.Join(t.TempDir(), "f"))
	if err == nil || !strings.Contains(err.Error(), "unsupported URL scheme") {
		t.Fatalf("error = %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for the progress renderer's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDownloadProgressBar(t *testing.T) {
	body := payload(t, 256<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveRange(w, r, body)
	}))
	defer srv.Close()
	var out syncBuffer
	bars := mpb.New(mpb.WithOutput(&out), mpb.WithAutoRefresh(), mpb.WithWidth(80))
	d := fastDownloader()
	d.Bars = bars
	dest := filepath.Join(t.TempDir(), "bun-linux-x64.zip")
	if _, err := d.Download(context.Background(), srv.URL+"/bun-linux-x64.zip", nil, dest); err != nil {
		t.Fatal(err)
	}
	bars.Wait()
	s := out.String()
	if !strings.Contains(s, "bun-linux-x64.zip") || !strings.Contains(s, "256.0 KiB / 256.0 KiB") || !strings.Contains(s, "100 %") {
		t.Fatalf("bar output:\n%q", s)
	}
}
