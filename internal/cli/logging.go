package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LevelTrace is below debug: every URL, every plugin call.
const LevelTrace = slog.LevelDebug - 4

// logHandler prints tote's diagnostics for people, one line each:
//
//	tote: warning: no checksum given by the plugin (tool=demo url=https://…)
//	tote: debug +12ms: read config path=/p/.prototools
//
// Warnings and errors read like tote's other messages; debug and trace
// lines carry the time since the command started.
type logHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Leveler
	start time.Time
	attrs []slog.Attr
	group string
}

func newLogHandler(w io.Writer, level slog.Leveler) *logHandler {
	return &logHandler{mu: &sync.Mutex{}, w: w, level: level, start: time.Now()}
}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString("tote: ")
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString("error: ")
	case r.Level >= slog.LevelWarn:
		b.WriteString("warning: ")
	case r.Level >= slog.LevelInfo:
	case r.Level >= slog.LevelDebug:
		fmt.Fprintf(&b, "debug +%s: ", since(h.start, r.Time))
	default:
		fmt.Fprintf(&b, "trace +%s: ", since(h.start, r.Time))
	}
	b.WriteString(r.Message)
	var kv []string
	add := func(a slog.Attr) {
		a.Value = a.Value.Resolve()
		if a.Equal(slog.Attr{}) {
			return
		}
		key := a.Key
		if h.group != "" {
			key = h.group + "." + key
		}
		kv = append(kv, key+"="+quoteValue(a.Value.String()))
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(func(a slog.Attr) bool { add(a); return true })
	if len(kv) > 0 {
		if r.Level >= slog.LevelWarn {
			b.WriteString(" (" + strings.Join(kv, " ") + ")")
		} else {
			b.WriteString(" " + strings.Join(kv, " "))
		}
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	return &c
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	c := *h
	if c.group != "" {
		name = c.group + "." + name
	}
	c.group = name
	return &c
}

func since(start, t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.Sub(start).Round(time.Millisecond).String()
}

// quoteValue quotes a value that holds spaces, quotes or control
// characters, so a line splits back into its fields.
func quoteValue(s string) string {
	if s == "" {
		return `""`
	}
	if strings.ContainsAny(s, " \t\n\r\"=") {
		return strconv.Quote(s)
	}
	return s
}

// loggerFor builds the logger for a --log or TOTE_LOG value. A bad
// TOTE_LOG is a warning (the default level is used), never an error: it
// must not break every command and shim; a bad --log flag is an error.
func loggerFor(w io.Writer, flagValue string, flagSet bool) (*slog.Logger, error) {
	value, from := flagValue, "--log"
	if !flagSet {
		if env := os.Getenv("TOTE_LOG"); env != "" {
			value, from = env, "TOTE_LOG"
		}
	}
	level, on, err := parseLevel(value)
	if err != nil {
		if from == "--log" {
			return nil, err
		}
		level, on = slog.LevelWarn, true
		defer fmt.Fprintf(w, "tote: warning: TOTE_LOG=%s is not a log level; using warn (use off, error, warn, info, debug or trace)\n", quoteValue(value))
	}
	if !on {
		return slog.New(slog.DiscardHandler), nil
	}
	return slog.New(newLogHandler(w, level)), nil
}
