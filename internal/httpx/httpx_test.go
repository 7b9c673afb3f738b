package httpx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// small are limits that make every attack below fail within a second.
var small = Limits{ConnectTimeout: 300 * time.Millisecond, ResponseTimeout: 300 * time.Millisecond, MinBytes: 1 << 10, Window: 400 * time.Millisecond}

func get(t *testing.T, c *http.Client, u string) ([]byte, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func wantLimit(t *testing.T, err error, limit string) *LimitError {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) {
		t.Fatalf("want a *LimitError (%s), got %v", limit, err)
	}
	if le.Limit != limit {
		t.Fatalf("limit = %q, want %q (%v)", le.Limit, limit, err)
	}
	if !IsNetwork(err) {
		t.Errorf("IsNetwork(%v) = false", err)
	}
	return le
}

// TestAttackDripFeed: a server sending one byte every 50 ms (the idle timer
// of old reset per byte) fails the throughput rule, naming the URL, the
// limit and its value.
func TestAttackDripFeed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(http.StatusOK)
		for range 100000 {
			if _, err := w.Write([]byte{'x'}); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	start := time.Now()
	_, err := get(t, NewClient(small), srv.URL+"/drip")
	le := wantLimit(t, err, "min-throughput")
	if le.URL != srv.URL+"/drip" {
		t.Errorf("URL = %q", le.URL)
	}
	if !strings.Contains(err.Error(), "min-throughput = 1KiB/400ms") || !strings.Contains(err.Error(), "too slow") {
		t.Errorf("message: %v", err)
	}
	if !strings.Contains(le.Hint(), "TOTE_HTTP_MIN_THROUGHPUT") {
		t.Errorf("hint: %s", le.Hint())
	}
	if time.Since(start) > 5*time.Minute {
		t.Errorf("took %v", time.Since(start)) // a bound, not a timing assertion: without the rule it runs ~80 min
	}
}

// TestAttackStallAfterHeaders: headers, a little body, then silence.
func TestAttackStallAfterHeaders(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(make([]byte, 10))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	_, err := get(t, NewClient(small), srv.URL)
	wantLimit(t, err, "min-throughput")
}

// TestAttackNeverAnswers: a server that accepts the connection and reads
// the request but never answers fails the response timeout.
func TestAttackNeverAnswers(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(io.Discard, c) // read forever, never write
		}
	}()
	_, err = get(t, NewClient(small), "http://"+ln.Addr().String()+"/x")
	le := wantLimit(t, err, "response-timeout")
	if !strings.Contains(err.Error(), "no response within 300ms") {
		t.Errorf("message: %v", err)
	}
	if !strings.HasSuffix(le.URL, "/x") {
		t.Errorf("URL = %q", le.URL)
	}
}

// TestAttackNoTLSHandshake: a server that accepts TCP and never speaks TLS
// fails the connect timeout.
func TestAttackNoTLSHandshake(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(io.Discard, c)
		}
	}()
	_, err = get(t, NewClient(small), "https://"+ln.Addr().String()+"/x")
	wantLimit(t, err, "connect-timeout")
}

// TestHealthyBodies: bodies that are fast, empty, or slower than the window
// but above the minimum all pass; the limits do not cut a live download.
func TestHealthyBodies(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write(make([]byte, 8<<20))
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/steady":
			// 2 KiB every 500 ms for 4 s: longer than the window, each
			// window well above 1 KiB.
			for range 8 {
				w.Write(make([]byte, 2<<10))
				w.(http.Flusher).Flush()
				time.Sleep(500 * time.Millisecond)
			}
		}
	}))
	defer srv.Close()
	// A window long enough that a loaded test machine (or the race
	// detector) pausing the reader cannot look like a slow server.
	c := NewClient(Limits{ResponseTimeout: 10 * time.Second, MinBytes: 1 << 10, Window: 3 * time.Second})
	for path, size := range map[string]int{"/big": 8 << 20, "/empty": 0, "/steady": 16 << 10} {
		b, err := get(t, c, srv.URL+path)
		if err != nil || len(b) != size {
			t.Errorf("%s: %d bytes, %v", path, len(b), err)
		}
	}
}

// TestCallerCancel is not a limit: the caller's own cancellation passes
// through unchanged.
func TestCallerCancel(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := NewClient(Limits{ResponseTimeout: time.Minute}).Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	var le *LimitError
	if errors.As(err, &le) {
		t.Fatalf("a cancellation is not a limit: %v", err)
	}
	if IsNetwork(err) {
		t.Errorf("a cancellation is not a network failure")
	}
}

// TestNetworkErrorHint: a refused connection is a network failure whose
// hint names url-rewrites, the OCI mirrors and TOTE_OFFLINE.
func TestNetworkErrorHint(t *testing.T) {
	t.Parallel()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	_, err := get(t, NewClient(small), "http://"+addr+"/")
	err = WrapNetwork("http://"+addr+"/", err)
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("want a *NetworkError, got %v", err)
	}
	if !strings.Contains(ne.Hint(), "url-rewrites") || !strings.Contains(ne.Hint(), "[settings] mirrors") || !strings.Contains(ne.Hint(), "TOTE_OFFLINE=1") {
		t.Errorf("hint: %s", ne.Hint())
	}
	if WrapNetwork("x", errors.New("plain")).Error() != "plain" {
		t.Error("a plain error is wrapped")
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		n    int64
		d    time.Duration
		want string
	}{{16 << 10, 30 * time.Second, "16KiB/30s"}, {1536, time.Second, "1.5KiB/1s"}, {100, time.Minute, "100B/1m0s"}} {
		if got := FormatThroughput(c.n, c.d); got != c.want {
			t.Errorf("FormatThroughput(%d, %v) = %q, want %q", c.n, c.d, got, c.want)
		}
	}
	if EnvVar("min-throughput") != "TOTE_HTTP_MIN_THROUGHPUT" {
		t.Error(EnvVar("min-throughput"))
	}
}
