package install

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// streamArchive writes a tool-like archive (a directory, a 600 KiB binary
// spanning many download chunks, a script, a symlink) in format ("tar.gz"
// or "tar.xz") and returns its bytes.
func streamArchive(t *testing.T, format, tag string) []byte {
	t.Helper()
	big := payload(t, 600<<10)
	entries := []mirror.Entry{
		{Name: "tool-1.0/", Dir: true},
		{Name: "tool-1.0/bin/tool", Body: string(big), Mode: 0o755},
		{Name: "tool-1.0/bin/helper", Body: "#!/bin/sh\necho " + tag + "\n", Mode: 0o755},
		{Name: "tool-1.0/bin/alias", Symlink: "tool"},
	}
	path := filepath.Join(t.TempDir(), "tool."+format)
	write := mirror.WriteTarGz
	if format == "tar.xz" {
		write = mirror.WriteTarXz
	}
	if err := write(path, entries); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// treeOf describes every entry under dir: files by mode and digest,
// symlinks by target.
func treeOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "link " + target
		case fi.IsDir():
			out[rel] = "dir " + fi.Mode().Perm().String()
		default:
			b, _ := os.ReadFile(p)
			sum := sha256.Sum256(b)
			out[rel] = fmt.Sprintf("file %s %x", fi.Mode().Perm(), sum[:8])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, got, want string) {
	t.Helper()
	g, w := treeOf(t, got), treeOf(t, want)
	if len(g) != len(w) {
		t.Errorf("streamed unpack has %d entries, Unpack of the file %d:\n%v\n%v", len(g), len(w), g, w)
	}
	for k, v := range w {
		if g[k] != v {
			t.Errorf("%s: streamed %q, from the file %q", k, g[k], v)
		}
	}
}

func sha256Of(b []byte) Checksum {
	sum := sha256.Sum256(b)
	return Checksum{Algo: AlgoSHA256, Value: hex.EncodeToString(sum[:])}
}

// streamGet downloads u into dest with a StreamUnpack into stage as its
// tee, and returns both results.
func streamGet(t *testing.T, u, dest, stage string, want Checksum) (DownloadResult, error, error) {
	t.Helper()
	s, err := StartStreamUnpack(context.Background(), stage, UnpackOptions{Prefix: "tool-1.0", Name: filepath.Base(dest)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := fastDownloader().Get(context.Background(), Request{URL: u, Dest: dest, Want: want, Tee: s})
	return res, err, s.Wait()
}

// TestStreamUnpack: unpacking while downloading gives the tree Unpack
// gives from the finished file, for gzip and xz, whole or resumed from a
// part file an interrupted process left.
func TestStreamUnpack(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"tar.gz", "tar.xz"} {
		for _, resume := range []bool{false, true} {
			t.Run(format+"/resume="+strconv.FormatBool(resume), func(t *testing.T) {
				t.Parallel()
				body := streamArchive(t, format, "v1")
				v := newVersionedFile(body, `"v1"`)
				srv := httptest.NewServer(v)
				defer srv.Close()
				dir := t.TempDir()
				dest, u := filepath.Join(dir, "tool."+format), srv.URL+"/tool."+format
				if resume {
					interrupted(t, v, u, dest)
				}
				stage := filepath.Join(dir, "stage")
				res, err, serr := streamGet(t, u, dest, stage, sha256Of(body))
				if err != nil || serr != nil {
					t.Fatalf("download: %v; streamed unpack: %v", err, serr)
				}
				if resume && res.Resumed == 0 {
					t.Error("the part file was not resumed")
				}
				ref := filepath.Join(dir, "ref")
				if err := Unpack(context.Background(), dest, ref, UnpackOptions{Prefix: "tool-1.0"}); err != nil {
					t.Fatal(err)
				}
				sameTree(t, stage, ref)
			})
		}
	}
}

// TestStreamUnpackMismatch: the download of a tampered archive fails with
// the checksum mismatch, and the streamed unpack reports a failure too, so
// the caller never takes the staging directory for a verified install.
func TestStreamUnpackMismatch(t *testing.T) {
	t.Parallel()
	good, bad := streamArchive(t, "tar.gz", "good"), streamArchive(t, "tar.gz", "evil")
	srv := httptest.NewServer(newVersionedFile(bad, `"x"`))
	defer srv.Close()
	dir := t.TempDir()
	dest := filepath.Join(dir, "tool.tar.gz")
	_, err, serr := streamGet(t, srv.URL+"/tool.tar.gz", dest, filepath.Join(dir, "stage"), sha256Of(good))
	var mm *ChecksumMismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("download of a tampered archive: %v", err)
	}
	if serr == nil {
		t.Fatal("the streamed unpack of a tampered archive succeeded")
	}
	if _, err := os.Stat(dest); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the tampered archive was kept: %v", err)
	}
}

// TestStreamUnpackRestart: when a download has to start over after bytes
// were unpacked (the connection broke, and the retry got another file
// whole), the streamed unpack ends with ErrRestarted, while the download
// completes with the new file, which the caller unpacks instead.
func TestStreamUnpackRestart(t *testing.T) {
	t.Parallel()
	first, second := streamArchive(t, "tar.gz", "one"), streamArchive(t, "tar.gz", "two")
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			// Half the file, then the connection breaks.
			w.Header().Set("Content-Length", strconv.Itoa(len(first)))
			w.Header().Set("ETag", `"one"`)
			w.Write(first[:len(first)/2])
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		// The retry's Range is ignored: another file, whole.
		w.Header().Set("ETag", `"two"`)
		w.Header().Set("Content-Length", strconv.Itoa(len(second)))
		w.Write(second)
	}))
	defer srv.Close()
	dir := t.TempDir()
	dest := filepath.Join(dir, "tool.tar.gz")
	res, err, serr := streamGet(t, srv.URL+"/tool.tar.gz", dest, filepath.Join(dir, "stage"), Checksum{})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, dest, second)
	if !errors.Is(serr, ErrRestarted) {
		t.Fatalf("streamed unpack after a restart: %v, want ErrRestarted", serr)
	}
}

// TestStreamFormat: only tar archives named as such stream.
func TestStreamFormat(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"node-v20.tar.xz": true, "go1.22.linux-amd64.tar.gz": true, "x.tgz": true, "zig.tar.zst": true,
		"a.tar.bz2": true, "a.tar": true, "dir/a.tar.gz": true,
		"a.zip": false, "a.gz": false, "kubectl": false, "a.xz": false,
	} {
		if got := StreamFormat(name); got != want {
			t.Errorf("StreamFormat(%q) = %v, want %v", name, got, want)
		}
	}
	if _, err := StartStreamUnpack(context.Background(), t.TempDir(), UnpackOptions{Name: "a.zip"}); err == nil {
		t.Error("a zip was accepted for a streamed unpack")
	}
}
