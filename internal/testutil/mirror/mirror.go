// Package mirror is a local HTTP mirror for tests: it serves a directory on
// 127.0.0.1 in whatever upstream layout the test wrote there, with Range
// support, and injects faults named in a .faults.json file at its root so
// that scripts can switch them on and off.
package mirror

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Fault kinds, keyed by URL path in <root>/.faults.json.
const (
	// DropOnce sends half the body of the first request, then cuts the connection.
	DropOnce = "drop-once"
	// NotFound answers 404.
	NotFound = "404"
	// ServerErrorOnce answers 500 to the first request.
	ServerErrorOnce = "500-once"
	// Slow waits 3 s before answering.
	Slow = "slow"
	// Truncate always announces the full length and sends half the body.
	Truncate = "truncate"
	// Oversize sends the body followed by extra bytes (with a matching length).
	Oversize = "oversize"
	// StallHalf announces the whole file (with its Last-Modified), sends
	// half of it and then sends nothing more until the client goes away,
	// as a download killed midway sees it. Range requests are served.
	StallHalf = "stall-half"
	// Drip sends the response headers, then one byte every 100 ms.
	Drip = "drip"
	// Hang reads the request and never answers.
	Hang = "hang"
	// Trickle announces the whole file and sends it in 10 pieces, 200 ms
	// apart: a download long enough for progress to be drawn.
	Trickle = "trickle"
)

// Server is a running mirror.
type Server struct {
	// URL is the base URL, such as http://127.0.0.1:34567.
	URL string
	// Root is the served directory.
	Root string

	srv      *http.Server
	ln       net.Listener
	mu       sync.Mutex
	seen     map[string]int
	requests []string
}

// Start serves root on a free 127.0.0.1 port.
func Start(root string) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), Root: root, ln: ln, seen: map[string]int{}}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Requests returns the request log: "METHOD path [range]".
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

func (s *Server) faults() map[string]string {
	b, err := os.ReadFile(filepath.Join(s.Root, ".faults.json"))
	if err != nil {
		return nil
	}
	var m map[string]string
	json.Unmarshal(b, &m)
	return m
}

// ServeHTTP serves files under Root, applying faults.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := path.Clean("/" + r.URL.Path)
	s.mu.Lock()
	s.seen[p]++
	n := s.seen[p]
	entry := r.Method + " " + p
	if rg := r.Header.Get("Range"); rg != "" {
		entry += " " + rg
	}
	s.requests = append(s.requests, entry)
	s.mu.Unlock()

	file := filepath.Join(s.Root, filepath.FromSlash(p))
	switch s.faults()[p] {
	case NotFound:
		http.NotFound(w, r)
		return
	case ServerErrorOnce:
		if n == 1 {
			http.Error(w, "injected failure", http.StatusInternalServerError)
			return
		}
	case Slow:
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
			return
		}
	case DropOnce:
		if n == 1 && r.Header.Get("Range") == "" {
			dropHalf(w, file)
			return
		}
	case Truncate:
		dropHalf(w, file)
		return
	case Drip:
		drip(w, r, file)
		return
	case Trickle:
		trickle(w, r, file)
		return
	case Hang:
		<-r.Context().Done()
		return
	case StallHalf:
		if r.Header.Get("Range") == "" {
			stallHalf(w, r, file)
			return
		}
	case Oversize:
		b, err := os.ReadFile(file)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		b = append(b, []byte("trailing garbage the upstream never published")...)
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
		return
	}
	fi, err := os.Stat(file)
	if err == nil && fi.IsDir() {
		// A directory URL (such as go.dev's "/dl/?mode=json") serves the
		// directory's index file, as web servers do; never a listing.
		file, fi, err = dirIndex(file)
	}
	if err != nil || fi.IsDir() {
		http.NotFound(w, r)
		return
	}
	http.ServeFile(w, r, file)
}

// dirIndex returns the index file of dir: index.json or index.html.
func dirIndex(dir string) (string, os.FileInfo, error) {
	var err error
	for _, name := range []string{"index.json", "index.html"} {
		var fi os.FileInfo
		p := filepath.Join(dir, name)
		if fi, err = os.Stat(p); err == nil {
			return p, fi, nil
		}
	}
	return "", nil, err
}

// trickle announces file and sends it in 10 pieces, 200 ms apart.
func trickle(w http.ResponseWriter, r *http.Request, file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	piece := len(b)/10 + 1
	for len(b) > 0 {
		n := min(piece, len(b))
		w.Write(b[:n])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		b = b[n:]
		select {
		case <-time.After(200 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	}
}

// drip announces file and sends it one byte every 100 ms.
func drip(w http.ResponseWriter, r *http.Request, file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	for i := range b {
		if _, err := w.Write(b[i : i+1]); err != nil {
			return
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stallHalf sends half of file and waits for the client to go away.
func stallHalf(w http.ResponseWriter, r *http.Request, file string) {
	b, err := os.ReadFile(file)
	fi, err2 := os.Stat(file)
	if err != nil || err2 != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Last-Modified", fi.ModTime().UTC().Format(http.TimeFormat))
	w.WriteHeader(http.StatusOK)
	w.Write(b[:len(b)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	<-r.Context().Done()
}

// dropHalf announces the whole length, writes half, and closes the
// connection, as a network failure mid-download does.
func dropHalf(w http.ResponseWriter, file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b[:len(b)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}
