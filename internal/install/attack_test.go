package install

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// wantUnpackLimit checks that err is the limit named, with the hint, and
// that nothing was written under dest.
func wantUnpackLimit(t *testing.T, err error, limit, dest string) {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != limit {
		t.Fatalf("want a %s *LimitError, got %v", limit, err)
	}
	if !strings.Contains(err.Error(), "refused by the limit settings.unpack."+limit) || !strings.Contains(le.Hint(), "[settings.unpack]") {
		t.Errorf("message %q / hint %q", err, le.Hint())
	}
	var size int64
	filepath.Walk(dest, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			size += fi.Size()
		}
		return nil
	})
	if limit == "max-size" && size > le.Max {
		t.Errorf("%d bytes were written, more than the limit %d", size, le.Max)
	}
}

// TestAttackSparseTarBomb: a 1.5 KB tar declaring a 1 TiB sparse file is
// refused from its header, with the default limits, before a byte is
// written (it used to write until the disk was full).
func TestAttackSparseTarBomb(t *testing.T) {
	t.Parallel()
	bomb := mirror.SparseTarBomb("tool/big", 1<<40)
	if len(bomb) > 4<<10 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	archive, dest, _ := setup(t, "tool.tar", bomb)
	err := Unpack(context.Background(), archive, dest, UnpackOptions{})
	wantUnpackLimit(t, err, "max-size", dest)
	if _, err := os.Stat(filepath.Join(dest, "tool", "big")); err == nil {
		t.Error("the sparse file was created")
	}
}

// TestAttackZstdZeros: a .tar.zst of zeros whose tar header tells the
// truth, and a plain .zst of zeros (no header at all), stop at the size
// limit while decompressing. The test uses 64 MiB of zeros and a 4 MiB
// limit; the same code stops a 336 KB archive of 10 GiB at the default.
func TestAttackZstdZeros(t *testing.T) {
	t.Parallel()
	var tarZst bytes.Buffer
	zw, _ := zstd.NewWriter(&tarZst, zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err := mirror.ZerosTar(zw, "tool", "zeros", 64<<20); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	archive, dest, _ := setup(t, "tool.tar.zst", tarZst.Bytes())
	err := Unpack(context.Background(), archive, dest, UnpackOptions{MaxSize: 4 << 20})
	wantUnpackLimit(t, err, "max-size", dest)

	// A tar header declaring less than it holds cannot be trusted either:
	// the count of written bytes is what stops it.
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(make([]byte, 64<<20))
	gw.Close()
	archive, dest, _ = setup(t, "tool.gz", gz.Bytes())
	err = Unpack(context.Background(), archive, dest, UnpackOptions{MaxSize: 4 << 20})
	wantUnpackLimit(t, err, "max-size", dest)
}

// TestAttackManyEntries: an archive of 501 empty files is refused by an
// entry limit of 500, tar and zip alike.
func TestAttackManyEntries(t *testing.T) {
	t.Parallel()
	archive, dest, _ := setup(t, "many.tar", mirror.ManyEntriesTar("tool", 501))
	err := Unpack(context.Background(), archive, dest, UnpackOptions{MaxEntries: 500})
	wantUnpackLimit(t, err, "max-entries", dest)

	ents := make([]ent, 501)
	for i := range ents {
		ents[i] = ent{name: "tool/f" + strconv.Itoa(i)}
	}
	archive, dest, _ = setup(t, "many.zip", makeZip(t, ents))
	err = Unpack(context.Background(), archive, dest, UnpackOptions{MaxEntries: 500})
	wantUnpackLimit(t, err, "max-entries", dest)
}

// TestUnpackWithinLimits: an archive just under both limits unpacks.
func TestUnpackWithinLimits(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := mirror.ZerosTar(&buf, "tool", "zeros", 1<<20); err != nil {
		t.Fatal(err)
	}
	archive, dest, _ := setup(t, "tool.tar", buf.Bytes())
	if err := Unpack(context.Background(), archive, dest, UnpackOptions{MaxSize: 1 << 20, MaxEntries: 2}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dest, "tool", "zeros")); err != nil || fi.Size() != 1<<20 {
		t.Fatalf("unpacked: %v", err)
	}
}
