package config

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// HTTPLimits are tote's own keys of [settings.http]: they bound every
// request tote makes. Zero fields are unset (the defaults of package
// httpx and the downloader apply).
//
//	[settings.http]
//	connect-timeout = "15s"          # TCP connect and TLS handshake
//	response-timeout = "30s"         # request sent → response headers
//	min-throughput = "16KiB/30s"     # at least this much in every window
//	retries = 3                      # failed downloads are retried
type HTTPLimits struct {
	// ConnectTimeout bounds connecting (connect-timeout,
	// TOTE_HTTP_CONNECT_TIMEOUT).
	ConnectTimeout time.Duration
	// ResponseTimeout bounds the wait for response headers
	// (response-timeout, TOTE_HTTP_RESPONSE_TIMEOUT).
	ResponseTimeout time.Duration
	// MinBytes must arrive in every MinWindow while a body is read
	// (min-throughput = "SIZE/DURATION", TOTE_HTTP_MIN_THROUGHPUT).
	MinBytes  int64
	MinWindow time.Duration
	// Retries is how often a failed download is retried; nil when unset
	// (retries, TOTE_HTTP_RETRIES).
	Retries *int
}

// UnpackLimits are [settings.unpack]: they bound what unpacking one
// archive may write. Zero fields are unset (package install's defaults).
//
//	[settings.unpack]
//	max-size = "8GiB"      # total bytes of the unpacked files
//	max-entries = 200000   # files, directories and links
type UnpackLimits struct {
	// MaxSize is the most bytes an archive may unpack to (max-size,
	// TOTE_UNPACK_MAX_SIZE).
	MaxSize int64
	// MaxEntries is the most entries an archive may have (max-entries,
	// TOTE_UNPACK_MAX_ENTRIES).
	MaxEntries int64
}

// httpLimits reads tote's keys from the [settings.http] table; other keys
// (proto's proxies, root-cert, …) are left to the raw table.
func (p *parser) httpLimits(at []string, m map[string]any) (HTTPLimits, error) {
	var l HTTPLimits
	for _, k := range p.keysInOrder(at, m) {
		kat := sub(at, k)
		val := m[k]
		var err error
		switch k {
		case "connect-timeout":
			l.ConnectTimeout, err = parseTimeout(val)
		case "response-timeout":
			l.ResponseTimeout, err = parseTimeout(val)
		case "min-throughput":
			s, ok := val.(string)
			if !ok {
				err = fmt.Errorf("must be a string such as \"16KiB/30s\", not %s", typeName(val))
				break
			}
			l.MinBytes, l.MinWindow, err = ParseThroughput(s)
		case "retries", "retry-count": // retry-count is proto's name
			n, ok := val.(int64)
			if !ok || n < 0 || n > 100 {
				err = fmt.Errorf("must be an integer from 0 to 100, not %s", describe(val))
				break
			}
			i := int(n)
			l.Retries = &i
		default:
			continue
		}
		if err != nil {
			return l, p.errorf(kat, "%s: %v", strings.Join(kat, "."), err)
		}
	}
	return l, nil
}

// unpackLimits reads the [settings.unpack] table.
func (p *parser) unpackLimits(at []string, v any) (UnpackLimits, error) {
	var l UnpackLimits
	m, err := p.table(at, v)
	if err != nil {
		return l, err
	}
	for _, k := range p.keysInOrder(at, m) {
		kat := sub(at, k)
		val := m[k]
		switch k {
		case "max-size":
			l.MaxSize, err = parseSize(val)
		case "max-entries":
			n, ok := val.(int64)
			if !ok || n <= 0 {
				err = fmt.Errorf("must be a positive integer, not %s", describe(val))
			}
			l.MaxEntries = n
		default:
			return l, p.errorf(kat, "unknown key settings.unpack.%s (want max-size or max-entries)", k)
		}
		if err != nil {
			return l, p.errorf(kat, "%s: %v", strings.Join(kat, "."), err)
		}
	}
	return l, nil
}

// ParseThroughput reads a minimum throughput written "SIZE/DURATION", such
// as "16KiB/30s" (at least 16 KiB in every 30 seconds).
func ParseThroughput(s string) (minBytes int64, window time.Duration, err error) {
	size, dur, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, 0, fmt.Errorf("invalid throughput %q (want SIZE/DURATION such as \"16KiB/30s\")", s)
	}
	if minBytes, err = parseSize(strings.TrimSpace(size)); err != nil {
		return 0, 0, fmt.Errorf("throughput %q: %w", s, err)
	}
	if window, err = parseTimeout(strings.TrimSpace(dur)); err != nil {
		return 0, 0, fmt.Errorf("throughput %q: %w", s, err)
	}
	return minBytes, window, nil
}

// limitOverrides are the limits set by TOTE_HTTP_* and TOTE_UNPACK_*
// variables; they win over every file.
type limitOverrides struct {
	http   HTTPLimits
	unpack UnpackLimits
}

// readLimitEnv reads the TOTE_HTTP_* and TOTE_UNPACK_* variables. A bad
// value is an error naming the variable.
func readLimitEnv() (limitOverrides, error) {
	var o limitOverrides
	type envVar struct {
		name  string
		parse func(string) error
	}
	vars := []envVar{
		{"TOTE_HTTP_CONNECT_TIMEOUT", func(v string) (err error) { o.http.ConnectTimeout, err = parseTimeout(v); return }},
		{"TOTE_HTTP_RESPONSE_TIMEOUT", func(v string) (err error) { o.http.ResponseTimeout, err = parseTimeout(v); return }},
		{"TOTE_HTTP_MIN_THROUGHPUT", func(v string) (err error) { o.http.MinBytes, o.http.MinWindow, err = ParseThroughput(v); return }},
		{"TOTE_HTTP_RETRIES", func(v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 || n > 100 {
				return fmt.Errorf("want an integer from 0 to 100")
			}
			o.http.Retries = &n
			return nil
		}},
		{"TOTE_UNPACK_MAX_SIZE", func(v string) (err error) { o.unpack.MaxSize, err = parseSize(sizeValue(v)); return }},
		{"TOTE_UNPACK_MAX_ENTRIES", func(v string) error {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("want a positive integer")
			}
			o.unpack.MaxEntries = n
			return nil
		}},
	}
	for _, e := range vars {
		if v := os.Getenv(e.name); v != "" {
			if err := e.parse(v); err != nil {
				return o, fmt.Errorf("%s=%q: %w", e.name, v, err)
			}
		}
	}
	return o, nil
}

// sizeValue turns an all-digit environment value into an integer, as
// parseSize expects from TOML.
func sizeValue(v string) any {
	if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n <= math.MaxInt64 {
		return n
	}
	return v
}

// mergeHTTPLimits fills the unset fields of dst from src.
func mergeHTTPLimits(dst *HTTPLimits, src HTTPLimits) {
	if dst.ConnectTimeout == 0 {
		dst.ConnectTimeout = src.ConnectTimeout
	}
	if dst.ResponseTimeout == 0 {
		dst.ResponseTimeout = src.ResponseTimeout
	}
	if dst.MinBytes == 0 {
		dst.MinBytes, dst.MinWindow = src.MinBytes, src.MinWindow
	}
	if dst.Retries == nil && src.Retries != nil {
		n := *src.Retries
		dst.Retries = &n
	}
}

// mergeUnpackLimits fills the unset fields of dst from src.
func mergeUnpackLimits(dst *UnpackLimits, src UnpackLimits) {
	if dst.MaxSize == 0 {
		dst.MaxSize = src.MaxSize
	}
	if dst.MaxEntries == 0 {
		dst.MaxEntries = src.MaxEntries
	}
}
