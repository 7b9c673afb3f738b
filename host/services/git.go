package services

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Ref is one reference of a remote Git repository.
type Ref struct {
	// Name is the full reference name, such as "refs/tags/v1.2.3" or "HEAD".
	Name string
	// Hash is the object the reference points at (hex).
	Hash string
	// Peeled is, for an annotated tag, the commit it points at ("" else).
	Peeled string
	// Target is, for a symbolic reference such as HEAD, the reference it
	// points at, when the server says so ("" else).
	Target string
}

// LsRemoteOptions select references, as the flags and patterns of
// `git ls-remote` do.
type LsRemoteOptions struct {
	// Heads limits the answer to refs/heads/ (with Tags: both).
	Heads bool
	// Tags limits the answer to refs/tags/ (with Heads: both).
	Tags bool
	// Patterns keep only references whose name matches one of them at its
	// end, as `git ls-remote <repo> <patterns>`: "v1.*" matches
	// refs/tags/v1.2; '*' and '?' match any characters, '/' included.
	Patterns []string
}

// Content types of Git's smart HTTP protocol.
const (
	gitAdvertisement = "application/x-git-upload-pack-advertisement"
	gitRequest       = "application/x-git-upload-pack-request"
	gitResult        = "application/x-git-upload-pack-result"
)

// GitLsRemote lists the references of the Git repository at repoURL, as
// `git ls-remote` does, without a git binary: url-rewrites apply, the
// allow-list is checked on every request and redirect, responses are
// bounded by Limits.MaxBodyBytes, and Limits.RequestTimeout bounds each
// request. It speaks Git's smart HTTP protocol (version 2 with ls-refs,
// or the version 0 advertisement when the server does not speak version 2)
// and the dumb HTTP protocol (a static info/refs file, as written by `git
// update-server-info`). Only http and https URLs are supported. Without
// Heads or Tags, HEAD comes first. Errors are *Error of FuncGitLsRemote.
func (s *Services) GitLsRemote(ctx context.Context, repoURL string, opts LsRemoteOptions) ([]Ref, error) {
	refs, err := s.gitLsRemote(ctx, repoURL, opts)
	if err != nil {
		return nil, fail(FuncGitLsRemote, fmt.Errorf("git ls-remote %s: %w", repoURL, err))
	}
	return refs, nil
}

func (s *Services) gitLsRemote(ctx context.Context, repoURL string, opts LsRemoteOptions) ([]Ref, error) {
	base, err := s.CheckURL(repoURL)
	if err != nil {
		return nil, err
	}
	base.RawQuery, base.Fragment = "", ""
	base.Path = strings.TrimSuffix(base.Path, "/")
	base.RawPath = ""
	match, err := compilePatterns(opts.Patterns)
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, s.limits.RequestTimeout)
	defer cancel()
	discovery := *base
	discovery.Path += "/info/refs"
	discovery.RawQuery = "service=git-upload-pack"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, discovery.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Git-Protocol", "version=2")
	req.Header.Set("User-Agent", "git/tote")
	req.Header.Set("Accept", gitAdvertisement+", */*;q=0.1")
	resp, err := s.do(req)
	if err != nil {
		return nil, err
	}
	body, err := readBody(resp.Body, s.limits.MaxBodyBytes, "GET "+discovery.Redacted())
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP status %d (is it a Git repository served over HTTP?)", discovery.Redacted(), resp.StatusCode)
	}

	var refs []Ref
	if mediaType(resp.Header.Get("Content-Type")) == gitAdvertisement {
		refs, err = s.smartRefs(ctx, base, body, opts)
	} else {
		refs, err = s.dumbRefs(ctx, base, body, opts)
	}
	if err != nil {
		return nil, err
	}
	return filterRefs(refs, opts, match), nil
}

func mediaType(ct string) string {
	t, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// smartRefs reads a smart advertisement: version 2 capabilities (then an
// ls-refs request) or a version 0/1 reference list.
func (s *Services) smartRefs(ctx context.Context, base *url.URL, body []byte, opts LsRemoteOptions) ([]Ref, error) {
	r := newPktReader(bytes.NewReader(body))
	line, kind, err := r.next()
	if err != nil {
		return nil, err
	}
	if kind == pktData && strings.HasPrefix(line, "# service=") {
		if line != "# service=git-upload-pack" {
			return nil, fmt.Errorf("unexpected service announcement %q", line)
		}
		if _, kind, err = r.next(); err != nil {
			return nil, err
		} else if kind != pktFlush {
			return nil, errors.New("malformed advertisement: no flush after the service announcement")
		}
		if line, kind, err = r.next(); err != nil {
			return nil, err
		}
	}
	if kind == pktData && line == "version 2" {
		var caps []string
		for {
			l, k, err := r.next()
			if err != nil {
				return nil, err
			}
			if k == pktFlush {
				break
			}
			if k != pktData {
				return nil, errors.New("malformed version 2 capability advertisement")
			}
			caps = append(caps, l)
		}
		return s.lsRefs(ctx, base, caps, opts)
	}
	if kind == pktData && line == "version 1" {
		if line, kind, err = r.next(); err != nil {
			return nil, err
		}
	}
	// Version 0: "<oid> <ref>\0<caps>" first, then "<oid> <ref>", then flush.
	var refs []Ref
	first := true
	for ; ; line, kind, err = r.next() {
		if err != nil {
			return nil, err
		}
		if kind == pktFlush {
			break
		}
		if kind != pktData {
			return nil, errors.New("malformed reference advertisement")
		}
		if first {
			line, _, _ = strings.Cut(line, "\x00")
			first = false
		}
		hash, name, ok := strings.Cut(line, " ")
		if !ok || !isHash(hash) || name == "" {
			return nil, fmt.Errorf("malformed reference line %q", clip(line))
		}
		if name == "capabilities^{}" && strings.Trim(hash, "0") == "" {
			continue // an empty repository
		}
		refs = addRef(refs, name, hash)
	}
	return refs, nil
}

// lsRefs sends the version 2 ls-refs command.
func (s *Services) lsRefs(ctx context.Context, base *url.URL, caps []string, opts LsRemoteOptions) ([]Ref, error) {
	hasLsRefs := false
	var objectFormat string
	for _, c := range caps {
		if c == "ls-refs" || strings.HasPrefix(c, "ls-refs=") {
			hasLsRefs = true
		}
		if f, ok := strings.CutPrefix(c, "object-format="); ok {
			objectFormat = f
		}
	}
	if !hasLsRefs {
		return nil, errors.New("the server speaks Git protocol version 2 without ls-refs")
	}
	var b bytes.Buffer
	writePkt(&b, "command=ls-refs\n")
	writePkt(&b, "agent=git/tote\n")
	if objectFormat != "" {
		writePkt(&b, "object-format="+objectFormat+"\n")
	}
	b.WriteString("0001")
	writePkt(&b, "peel\n")
	writePkt(&b, "symrefs\n")
	if opts.Heads || opts.Tags {
		if opts.Heads {
			writePkt(&b, "ref-prefix refs/heads/\n")
		}
		if opts.Tags {
			writePkt(&b, "ref-prefix refs/tags/\n")
		}
	}
	b.WriteString("0000")

	u := *base
	u.Path += "/git-upload-pack"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), &b)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", gitRequest)
	req.Header.Set("Accept", gitResult)
	req.Header.Set("Git-Protocol", "version=2")
	req.Header.Set("User-Agent", "git/tote")
	resp, err := s.do(req)
	if err != nil {
		return nil, err
	}
	body, err := readBody(resp.Body, s.limits.MaxBodyBytes, "POST "+u.Redacted())
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST %s: HTTP status %d", u.Redacted(), resp.StatusCode)
	}
	r := newPktReader(bytes.NewReader(body))
	var refs []Ref
	for {
		line, kind, err := r.next()
		if err != nil {
			return nil, err
		}
		if kind == pktFlush {
			return refs, nil
		}
		if kind != pktData {
			return nil, errors.New("malformed ls-refs answer")
		}
		fields := strings.Split(line, " ")
		if len(fields) >= 2 && fields[0] == "unborn" {
			continue // HEAD of an empty repository
		}
		if len(fields) < 2 || !isHash(fields[0]) || fields[1] == "" {
			return nil, fmt.Errorf("malformed ls-refs line %q", clip(line))
		}
		ref := Ref{Name: fields[1], Hash: fields[0]}
		for _, attr := range fields[2:] {
			switch {
			case strings.HasPrefix(attr, "peeled:"):
				ref.Peeled = strings.TrimPrefix(attr, "peeled:")
				if !isHash(ref.Peeled) {
					return nil, fmt.Errorf("malformed ls-refs line %q", clip(line))
				}
			case strings.HasPrefix(attr, "symref-target:"):
				ref.Target = strings.TrimPrefix(attr, "symref-target:")
			}
		}
		refs = append(refs, ref)
	}
}

// dumbRefs reads a static info/refs file ("<oid>\t<ref>" lines) and, when
// HEAD is wanted, the repository's HEAD file.
func (s *Services) dumbRefs(ctx context.Context, base *url.URL, body []byte, opts LsRemoteOptions) ([]Ref, error) {
	var refs []Ref
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		hash, name, ok := strings.Cut(line, "\t")
		if !ok || !isHash(hash) || name == "" || strings.ContainsAny(name, " \t\x00") {
			return nil, fmt.Errorf("not a Git repository: unexpected info/refs line %q", clip(line))
		}
		refs = addRef(refs, name, hash)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read info/refs: %w", err)
	}
	if opts.Heads || opts.Tags {
		return refs, nil
	}
	// HEAD is a file: "ref: refs/heads/main" (or a detached hash).
	u := *base
	u.Path += "/HEAD"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.do(req)
	if err != nil {
		return nil, err
	}
	head, err := readBody(resp.Body, 4096, "GET "+u.Redacted())
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return refs, nil // a repository without a readable HEAD still has refs
	}
	h := strings.TrimSpace(string(head))
	if target, ok := strings.CutPrefix(h, "ref: "); ok {
		for _, r := range refs {
			if r.Name == target {
				return append([]Ref{{Name: "HEAD", Hash: r.Hash, Target: target}}, refs...), nil
			}
		}
	} else if isHash(h) {
		return append([]Ref{{Name: "HEAD", Hash: h}}, refs...), nil
	}
	return refs, nil
}

// addRef appends a reference, folding a "<name>^{}" line into the tag it
// peels.
func addRef(refs []Ref, name, hash string) []Ref {
	if tag, ok := strings.CutSuffix(name, "^{}"); ok {
		for i := len(refs) - 1; i >= 0; i-- {
			if refs[i].Name == tag {
				refs[i].Peeled = hash
				return refs
			}
		}
		return refs
	}
	return append(refs, Ref{Name: name, Hash: hash})
}

func filterRefs(refs []Ref, opts LsRemoteOptions, match func(string) bool) []Ref {
	out := refs[:0:0]
	for _, r := range refs {
		if opts.Heads || opts.Tags {
			if !(opts.Heads && strings.HasPrefix(r.Name, "refs/heads/") || opts.Tags && strings.HasPrefix(r.Name, "refs/tags/")) {
				continue
			}
		}
		if match != nil && !match(r.Name) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// compilePatterns turns ls-remote patterns into one tail matcher.
func compilePatterns(patterns []string) (func(string) bool, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	var alts []string
	for _, p := range patterns {
		if p == "" {
			continue
		}
		var b strings.Builder
		for _, r := range p {
			switch r {
			case '*':
				b.WriteString(".*")
			case '?':
				b.WriteString(".")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		alts = append(alts, b.String())
	}
	if len(alts) == 0 {
		return nil, nil
	}
	re, err := regexp.Compile(`(?:^|/)(?:` + strings.Join(alts, "|") + `)$`)
	if err != nil {
		return nil, fmt.Errorf("invalid pattern: %w", err)
	}
	return func(name string) bool { return re.MatchString("/" + name) }, nil
}

// FormatLsRemote writes refs as `git ls-remote` prints them: "<hash>\t<name>"
// lines, an annotated tag followed by its "<commit>\t<name>^{}" line.
func FormatLsRemote(refs []Ref) string {
	var b strings.Builder
	for _, r := range refs {
		fmt.Fprintf(&b, "%s\t%s\n", r.Hash, r.Name)
		if r.Peeled != "" {
			fmt.Fprintf(&b, "%s\t%s^{}\n", r.Peeled, r.Name)
		}
	}
	return b.String()
}

// isHash reports whether s is a SHA-1 or SHA-256 object id in hex.
func isHash(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// pkt-line framing (gitprotocol-common): a 4-digit hex length that counts
// itself, or one of the special packets.
type pktKind int

const (
	pktData pktKind = iota
	pktFlush
	pktDelim
	pktEnd
)

const maxPktLen = 65520

type pktReader struct{ r io.Reader }

func newPktReader(r io.Reader) *pktReader { return &pktReader{r: r} }

// next returns the next packet, its trailing newline removed. The end of
// the input before a flush is an error.
func (p *pktReader) next() (string, pktKind, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(p.r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return "", 0, errors.New("truncated pkt-line stream (no flush packet)")
		}
		return "", 0, err
	}
	n, err := strconv.ParseUint(string(hdr[:]), 16, 16)
	if err != nil {
		return "", 0, fmt.Errorf("malformed pkt-line length %q", hdr[:])
	}
	switch n {
	case 0:
		return "", pktFlush, nil
	case 1:
		return "", pktDelim, nil
	case 2:
		return "", pktEnd, nil
	case 3:
		return "", 0, errors.New("malformed pkt-line length 0003")
	}
	if n > maxPktLen {
		return "", 0, fmt.Errorf("pkt-line of %d bytes exceeds %d", n, maxPktLen)
	}
	buf := make([]byte, n-4)
	if _, err := io.ReadFull(p.r, buf); err != nil {
		return "", 0, errors.New("truncated pkt-line")
	}
	return strings.TrimSuffix(string(buf), "\n"), pktData, nil
}

func writePkt(b *bytes.Buffer, s string) { fmt.Fprintf(b, "%04x%s", len(s)+4, s) }
