package readlimit

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("12345"), 0o644)
	if b, err := File(small, 5, "test file"); err != nil || string(b) != "12345" {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	var tl *TooLargeError
	if _, err := File(small, 4, "test file"); !errors.As(err, &tl) || err.Error() != "test file "+small+" is larger than 4 bytes, the limit for a test file" {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := File(filepath.Join(dir, "missing"), 4, "test file"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	if _, err := File(dir, 4, "test file"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("directory: %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := File("/dev/zero", 1<<20, "plugin file"); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "plugin file /dev/zero: not a regular file") {
			t.Errorf("/dev/zero: %v", err)
		}
	}
	// A file that grows after the stat is still cut at the limit.
	if _, err := All(strings.NewReader(strings.Repeat("x", 100)), 10, "http://x/y", "response"); !errors.As(err, &tl) {
		t.Errorf("All over the limit: %v", err)
	}
}

// TestFileSizeUnknown: files whose stat size is not their length (procfs
// reports 0) are still read whole, and Copy applies File's checks.
func TestFileSizeUnknown(t *testing.T) {
	t.Parallel()
	if b, err := File("/proc/self/status", 1<<20, "status"); err == nil {
		if !strings.Contains(string(b), "Name:") || !strings.HasSuffix(string(b), "\n") {
			t.Errorf("/proc/self/status read as %q", b)
		}
	}
	if _, err := File("/proc/self/status", 8, "status"); err == nil {
		t.Error("a procfs file longer than the limit was read")
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	os.WriteFile(big, []byte(strings.Repeat("y", 70000)), 0o644)
	if b, err := File(big, 70000, "test file"); err != nil || len(b) != 70000 {
		t.Errorf("File: %d bytes, %v", len(b), err)
	}
	var sb strings.Builder
	if n, err := Copy(&sb, big, 70000, "test file"); err != nil || n != 70000 || sb.Len() != 70000 {
		t.Errorf("Copy: %d, %d bytes, %v", n, sb.Len(), err)
	}
	var tl *TooLargeError
	if _, err := Copy(&sb, big, 69999, "test file"); !errors.As(err, &tl) {
		t.Errorf("Copy over the limit: %v", err)
	}
	if _, err := Copy(&sb, dir, 10, "test file"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Copy of a directory: %v", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{1 << 20: "1 MiB", 128 << 20: "128 MiB", 4 << 30: "4 GiB", 64 << 10: "64 KiB", 1000: "1000 bytes"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %s, want %s", n, got, want)
		}
	}
}
