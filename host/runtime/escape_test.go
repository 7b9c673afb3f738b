package runtime

import (
	"bytes"
	"context"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type countingHandler struct {
	n     atomic.Int64
	bytes atomic.Int64
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	h.n.Add(1)
	h.bytes.Add(int64(len(r.Message)))
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

// TestSandboxEscapeHostile runs each attack of the hostile fixture: every
// one fails safely (or is bounded), and the same plugin answers normally
// right after.
func TestSandboxEscapeHostile(t *testing.T) {
	logs := &countingHandler{}
	var stderr bytes.Buffer
	rt := newRuntime(t, NewConfig().WithLogger(slog.New(logs)).WithOutput(&stderr, &stderr).WithCallTimeout(20*time.Second))
	p := load(t, rt, "hostile", LoadOptions{ID: "hostile"})
	ctx := context.Background()
	okAfter := func(attack string) {
		t.Helper()
		var out struct{ OK bool }
		if err := p.Call(ctx, "ok", nil, &out); err != nil || !out.OK {
			t.Fatalf("after %s the plugin no longer answers: %v", attack, err)
		}
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	// A flood of 100,000 64 KiB log lines is bounded by the host.
	_ = p.Call(ctx, "log_flood", nil, nil)
	if n := logs.n.Load(); n > 2000 {
		t.Errorf("host_log flood reached the logger %d times", n)
	}
	if b := logs.bytes.Load(); b > 64<<20 {
		t.Errorf("host_log flood wrote %d bytes of messages", b)
	}
	okAfter("log_flood")

	// A gigantic output is refused, not buffered into the host's decoder.
	if err := p.Call(ctx, "huge_output", nil, &struct{ Name string }{}); err == nil {
		t.Error("an 80 MiB output was accepted")
	} else {
		wantKind(t, err, KindBadOutput, "hostile", "huge_output")
	}
	okAfter("huge_output")

	for _, fn := range []string{"bad_json", "wrong_types", "wild_offset", "zero_offset"} {
		err := p.Call(ctx, fn, nil, nil)
		if err == nil {
			t.Errorf("%s: the malformed host call succeeded", fn)
		} else if !strings.Contains(err.Error(), `plugin "hostile" function `+fn) {
			t.Errorf("%s: error does not name plugin and function: %v", fn, err)
		}
		okAfter(fn)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("logger calls %d (%d bytes); host heap %d MiB → %d MiB", logs.n.Load(), logs.bytes.Load(), before.HeapAlloc>>20, after.HeapAlloc>>20)
}
