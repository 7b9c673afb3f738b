package extension

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/extension/extcache"
	"github.com/tote-dev/tote/internal/store"
)

// Defaults of the per-extension limits.
const (
	// DefaultMemory is the memory limit of a WASM extension instance.
	DefaultMemory = 64 << 20
	// DefaultCallTimeout bounds one call into an extension.
	DefaultCallTimeout = 5 * time.Second
	// DefaultRunTimeout bounds one call for an event on the run path
	// (pre-run, post-run, version-resolved): every `tote run` and shim
	// waits for it. A listener that needs longer is a fault.
	DefaultRunTimeout = 250 * time.Millisecond
	// DefaultMaxRestarts is the fault budget: the fault after this many in
	// a row (within DefaultFaultWindow, across tote processes) quarantines
	// the extension.
	DefaultMaxRestarts = 3
	// DefaultFaultWindow is how long a fault counts: faults older than this
	// are forgotten, as are all of them after a successful call.
	DefaultFaultWindow = time.Hour
)

// Options configure a Host.
type Options struct {
	// Home is the data root (tote: $TOTE_HOME): extensions are found in
	// Home/extensions (*.wasm), each gets Home/extensions/<id>/ as its
	// data directory, and fault records, locks and the subscription cache
	// live under it. Required.
	Home string
	// Config says which extensions are configured and how (tote: its
	// merged .prototools). nil means no configuration: every .wasm in
	// Home/extensions loads with the baseline capabilities.
	Config Config
	// Runtime is the base WebAssembly runtime configuration (logger,
	// output writers, HTTP client, host environment).
	Runtime runtime.Config
	// Logger receives diagnostics (default: discarded).
	Logger *slog.Logger
	// Warnings receives user-facing warnings, one "tote: warning: ..." line
	// each (default os.Stderr).
	Warnings io.Writer
	// ToteVersion is passed to on_enable.
	ToteVersion string
	// NativeFingerprint identifies the build of the native extensions in
	// the cache (default ToteVersion).
	NativeFingerprint string
	// Reserved are the built-in command names extensions may not take.
	Reserved []string
	// Natives replaces the registered native extensions (tests); nil uses
	// those registered with RegisterNative.
	Natives map[string]func(NativeHost) Plugin
	// ListTools answers list_tools (tool id → installed versions).
	ListTools func() (map[string][]string, error)
	// WASMCacheDir is the compiled-code cache (default
	// $TOTE_HOME/cache/wasm).
	WASMCacheDir string
	// FaultWindow is the window of the fault budget (default 1 hour).
	FaultWindow time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// State of an extension in a Host.
type State string

// States.
const (
	// StateDisabled: configured off.
	StateDisabled State = "disabled"
	// StateIdle: enabled but not loaded in this process (nothing needed it).
	StateIdle State = "idle"
	// StateEnabled: loaded and enabled.
	StateEnabled State = "enabled"
	// StateRefused: could not be loaded or enabled; see Info.Error.
	StateRefused State = "refused"
	// StateQuarantined: faulted too often; off (its access listeners fail
	// closed) in this and every later process until `tote extension
	// enable`.
	StateQuarantined State = "quarantined"
)

type limits struct {
	memory      uint64
	timeout     time.Duration
	runTimeout  time.Duration
	maxRestarts int
}

// entry is one discovered extension.
type entry struct {
	index     int // static order: natives by id, then files by name
	id        string
	kind      string
	path      string
	table     Settings
	enabled   bool
	grants    Grants
	limits    limits
	newNative func(NativeHost) Plugin

	state        State
	err          error
	plugin       Plugin
	meta         api.ExtensionMetadata
	listeners    []*listener
	commands     []*command
	needsRecover bool
	faults       []time.Time
	denials      int
	lastDenyLog  time.Time
	// warned are the keys of warnings already printed (see warnOnce).
	warned map[string]bool
	// quarantinedAt is when it was quarantined (zero when it is not).
	quarantinedAt time.Time
}

type listener struct {
	e   *entry
	id  uint32
	seq int
	api.SubscribeInput
}

type command struct {
	e       *entry
	handler uint32
	spec    api.CommandSpec
}

// Host loads extensions and dispatches events to them. It is safe for
// concurrent use; calls into extensions are serialised (each guest is
// single-threaded anyway).
type Host struct {
	opts   Options
	logger *slog.Logger

	mu         sync.Mutex
	discovered bool
	entries    []*entry
	byID       map[string]*entry
	cache      *extcache.File
	dirty      bool
	chains     map[api.EventKind][]*listener
	rt         *runtime.Runtime
	closed     bool
}

// New returns a Host. Nothing is read or loaded until it is needed.
func New(opts Options) *Host {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Warnings == nil {
		opts.Warnings = os.Stderr
	}
	if opts.NativeFingerprint == "" {
		opts.NativeFingerprint = "tote " + opts.ToteVersion
	}
	if opts.FaultWindow <= 0 {
		opts.FaultWindow = DefaultFaultWindow
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Natives == nil {
		opts.Natives = registeredNatives()
	}
	return &Host{opts: opts, logger: opts.Logger, byID: map[string]*entry{}, chains: map[api.EventKind][]*listener{}}
}

func (h *Host) warnf(format string, args ...any) {
	fmt.Fprintf(h.opts.Warnings, "tote: warning: "+format+"\n", args...)
}

func (h *Host) store() store.Store { return store.Store{Home: h.opts.Home} }

// discover lists the extensions without loading any. h.mu is held.
func (h *Host) discover() {
	if h.discovered {
		return
	}
	h.discovered = true
	h.cache = extcache.Read(h.opts.Home)
	var tables map[string]Settings
	declared := map[string]ExtensionFile{}
	if h.opts.Config != nil {
		tables = h.opts.Config.Extensions()
		declared = h.opts.Config.ExtensionFiles()
	}
	add := func(e *entry) {
		if prev, dup := h.byID[e.id]; dup {
			if prev.kind != extcache.KindNative || prev.enabled || e.kind == extcache.KindNative {
				h.warnf("extension %q from %s is refused: the id is already taken by %s", e.id, e.where(), prev.where())
				return
			}
			// A compiled-in extension that is not enabled gives way to a
			// WASM build with its id (such as stats.wasm for the native
			// stats extension).
			kept := h.entries[:0]
			for _, x := range h.entries {
				if x != prev {
					x.index = len(kept)
					kept = append(kept, x)
				}
			}
			h.entries = kept
			delete(h.byID, e.id)
		}
		t := tables[e.id]
		e.table = t
		e.index = len(h.entries)
		var warns []string
		e.grants, warns = GrantsFor(t)
		for _, w := range warns {
			h.warnf("extension %q: %s", e.id, w)
		}
		e.limits = limits{memory: DefaultMemory, timeout: DefaultCallTimeout, runTimeout: DefaultRunTimeout, maxRestarts: DefaultMaxRestarts}
		if t.Limits.Memory > 0 {
			e.limits.memory = uint64(t.Limits.Memory)
		}
		if t.Limits.CallTimeout > 0 {
			e.limits.timeout = t.Limits.CallTimeout
		}
		if t.Limits.RunTimeout > 0 {
			e.limits.runTimeout = t.Limits.RunTimeout
		}
		if t.Limits.MaxRestarts != nil {
			e.limits.maxRestarts = *t.Limits.MaxRestarts
		}
		if e.kind == extcache.KindNative {
			e.enabled = extcache.EnabledNative(t)
		} else {
			e.enabled = extcache.EnabledWASM(t)
		}
		e.state = StateIdle
		if !e.enabled {
			e.state = StateDisabled
		}
		h.entries = append(h.entries, e)
		h.byID[e.id] = e
	}
	defer func() {
		// Quarantines recorded by earlier processes hold without loading
		// anything.
		restored := false
		for _, e := range h.entries {
			if e.state == StateIdle {
				h.restoreQuarantine(e)
				restored = restored || e.state == StateQuarantined
			}
		}
		if restored {
			h.rebuild()
		}
	}()
	ids := make([]string, 0, len(h.opts.Natives))
	for id := range h.opts.Natives {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		add(&entry{id: id, kind: extcache.KindNative, newNative: h.opts.Natives[id]})
	}
	files, err := extcache.WASMFiles(h.store().ExtensionsDir())
	if err != nil {
		h.warnf("%v", err)
	}
	declaredIDs := make([]string, 0, len(declared))
	for id := range declared {
		declaredIDs = append(declaredIDs, id)
	}
	sort.Strings(declaredIDs)
	for _, id := range declaredIDs {
		d := declared[id]
		if d.Err != nil {
			h.warnf("extension %q is refused: %v", id, d.Err)
			continue
		}
		if d.Path != "" {
			files = append(files, d.Path)
		}
	}
	for _, p := range files {
		id := extcache.IDOfFile(p)
		if d, ok := declared[id]; ok && d.Path != "" && d.Path != p {
			continue // [plugins.extensions] wins over the file in extensions/
		}
		if err := ValidID(id); err != nil {
			h.warnf("extension file %s is refused: %v (the file name, without .wasm, is the id)", p, err)
			continue
		}
		add(&entry{id: id, kind: extcache.KindWASM, path: p})
	}
}

func (e *entry) where() string {
	if e.kind == extcache.KindNative {
		return "the native build"
	}
	return e.path
}

// fresh returns the cache entry of e when it still describes e.
func (h *Host) fresh(e *entry) (extcache.Entry, bool) {
	c, ok := h.cache.Entries[e.id]
	if !ok || c.Kind != e.kind || c.ConfigHash != extcache.ConfigHash(e.table) {
		return c, false
	}
	if e.kind == extcache.KindNative {
		return c, c.Digest == h.opts.NativeFingerprint
	}
	if c.Path != e.path {
		return c, false
	}
	fi, err := os.Stat(e.path)
	if err != nil {
		return c, false
	}
	if c.StatMatches(fi) {
		return c, true
	}
	// Touched but maybe unchanged: compare digests.
	if d, err := extcache.FileDigest(e.path); err == nil && d == c.Digest {
		c.Size, c.ModTime = fi.Size(), fi.ModTime().UnixNano()
		h.cache.Entries[e.id] = c
		h.dirty = true
		return c, true
	}
	return c, false
}

// ensure loads every enabled, not yet loaded extension that listens to
// kind according to the cache, or whose cache entry is stale (an empty
// kind loads them all). h.mu is held.
func (h *Host) ensure(ctx context.Context, kind api.EventKind) {
	h.discover()
	changed := false
	for _, e := range h.entries {
		if e.state != StateIdle {
			continue
		}
		if c, ok := h.fresh(e); ok && kind != "" && !c.Subscribes(kind) {
			continue
		}
		h.load(ctx, e)
		changed = true
	}
	if changed {
		h.rebuild()
	}
	h.flushCache()
}

func (h *Host) flushCache() {
	if !h.dirty {
		return
	}
	h.dirty = false
	if err := extcache.Write(h.opts.Home, h.cache); err != nil {
		h.logger.Warn("cannot write the extension cache", "error", err)
	}
}

func (h *Host) runtime(ctx context.Context) (*runtime.Runtime, error) {
	if h.rt != nil {
		return h.rt, nil
	}
	dir := h.opts.WASMCacheDir
	if dir == "" {
		dir = h.store().CacheDir("wasm")
	}
	cfg := h.opts.Runtime.WithCacheDir(dir).WithLogger(h.logger)
	rt, err := runtime.New(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("start the extension runtime: %w", err)
	}
	h.rt = rt
	return rt, nil
}

func (h *Host) dataDir(e *entry) string {
	return filepath.Join(h.store().ExtensionsDir(), e.id)
}

// load instantiates, probes and enables e; a failure refuses e alone with
// a warning. h.mu is held.
func (h *Host) load(ctx context.Context, e *entry) {
	refuse := func(err error) {
		e.state = StateRefused
		e.err = err
		h.warnf("extension %q (%s) is refused: %v", e.id, e.where(), err)
		h.closePlugin(ctx, e)
	}
	dataDir := ""
	if e.grants.Has(api.CapDataDir) {
		dataDir = h.dataDir(e)
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			refuse(fmt.Errorf("create its data directory: %w", err))
			return
		}
	}
	switch e.kind {
	case extcache.KindNative:
		nh := NativeHost{ID: e.id, DataDir: dataDir, Logger: h.logger.With("extension", e.id)}
		if e.grants.Has(api.CapConfig) {
			nh.Config = e.table.Config
		}
		var p Plugin
		if err := safe(func() error { p = e.newNative(nh); return nil }); err != nil {
			refuse(err)
			return
		}
		if p == nil {
			refuse(errors.New("its constructor returned nil"))
			return
		}
		e.plugin = p
	default:
		rt, err := h.runtime(ctx)
		if err != nil {
			refuse(err)
			return
		}
		w, err := loadWASM(ctx, rt, wasmSpec{
			id: e.id, path: e.path, dataDir: dataDir, grants: e.grants, limits: e.limits,
			listTools: h.opts.ListTools,
			denied:    func(fn, msg string) { h.denied(e, fn, msg) },
		})
		if err != nil {
			refuse(err)
			return
		}
		e.plugin = w
	}
	var md api.ExtensionMetadata
	err := h.call(e, api.FuncMetadata, func() error {
		var err error
		md, err = e.plugin.Metadata(ctx)
		return err
	})
	if err == nil {
		err = checkMetadata(e, md)
	}
	if err != nil {
		refuse(err)
		return
	}
	e.meta = md
	for _, c := range md.Permissions {
		if !knownCapability(c) {
			h.warnf("extension %q asks for the unknown capability %q", e.id, c)
		}
	}
	if err := h.enable(ctx, e, api.ReasonStartup); err != nil {
		refuse(fmt.Errorf("on_enable: %w", err))
		return
	}
	e.state = StateEnabled
	h.record(e)
}

func checkMetadata(e *entry, md api.ExtensionMetadata) error {
	if err := ValidID(md.ID); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	if md.ID != e.id {
		return fmt.Errorf("metadata says its id is %q, but it is installed as %q (rename the file to %s.wasm)", md.ID, e.id, md.ID)
	}
	if md.ContractVersion > api.ContractVersion {
		return fmt.Errorf("it targets extension contract %d; this tote speaks %d (upgrade tote)", md.ContractVersion, api.ContractVersion)
	}
	return nil
}

// record stores e's probe results in the cache.
func (h *Host) record(e *entry) {
	c := extcache.Entry{ID: e.id, Kind: e.kind, Path: e.path, ConfigHash: extcache.ConfigHash(e.table), Metadata: e.meta}
	if e.kind == extcache.KindNative {
		c.Digest = h.opts.NativeFingerprint
	} else {
		fi, err := os.Stat(e.path)
		if err != nil {
			return
		}
		d, err := extcache.FileDigest(e.path)
		if err != nil {
			return
		}
		c.Size, c.ModTime, c.Digest = fi.Size(), fi.ModTime().UnixNano(), d
	}
	for _, l := range e.listeners {
		c.Subscriptions = append(c.Subscriptions, l.SubscribeInput)
	}
	for _, cmd := range e.commands {
		c.Commands = append(c.Commands, cmd.spec)
	}
	h.cache.Entries[e.id] = c
	h.dirty = true
}

// enable runs on_enable and commits the subscriptions and commands it
// registered, replacing the previous ones (after a recovery the listeners
// keep their chain positions: the chain orders by priority, then plugin
// order, then subscription order). h.mu is held.
func (h *Host) enable(ctx context.Context, e *entry, reason api.EnableReason) error {
	in := api.EnableInput{Reason: reason, Granted: e.grants.List(), ToteVersion: h.opts.ToteVersion}
	if in.Granted == nil {
		in.Granted = []api.Capability{}
	}
	if e.grants.Has(api.CapConfig) {
		in.Config = e.table.Config
	}
	if e.grants.Has(api.CapDataDir) {
		in.DataDir = "/"
		if e.kind == extcache.KindNative {
			in.DataDir = h.dataDir(e)
		}
	}
	reg := &registrar{h: h, e: e}
	err := h.call(e, api.FuncOnEnable, func() error { return e.plugin.Enable(ctx, in, reg) })
	reg.done = true
	if err != nil {
		return err
	}
	e.listeners, e.commands = reg.listeners, reg.commands
	return nil
}

// rebuild recomputes every event chain. h.mu is held.
func (h *Host) rebuild() {
	chains := map[api.EventKind][]*listener{}
	for _, e := range h.entries {
		if e.state != StateEnabled && e.state != StateQuarantined {
			continue
		}
		for _, l := range e.listeners {
			chains[l.Event] = append(chains[l.Event], l)
		}
	}
	for _, c := range chains {
		sort.SliceStable(c, func(i, j int) bool {
			a, b := c[i], c[j]
			if a.Priority != b.Priority {
				return a.Priority < b.Priority
			}
			if a.e.index != b.e.index {
				return a.e.index < b.e.index
			}
			return a.seq < b.seq
		})
	}
	h.chains = chains
}

// Quotas on what one extension may register, so a hostile plugin cannot
// make every event dispatch or `tote --help` arbitrarily slow.
const (
	// MaxListeners is the most subscriptions one extension may hold.
	MaxListeners = 64
	// MaxCommands is the most commands one extension may register.
	MaxCommands = 16
)

// registrar collects what a plugin registers during one Enable call.
type registrar struct {
	h         *Host
	e         *entry
	done      bool
	listeners []*listener
	commands  []*command
	// overQuota records which quota warnings were already printed.
	overQuota map[string]bool
}

// quota refuses a registration past a limit, warning once per kind.
func (r *registrar) quota(kind string, limit int) error {
	if r.overQuota == nil {
		r.overQuota = map[string]bool{}
	}
	if !r.overQuota[kind] {
		r.overQuota[kind] = true
		r.h.warnf("extension %q: more than %d %s; the rest are refused", r.e.id, limit, kind)
	}
	return fmt.Errorf("quota exceeded: an extension may hold at most %d %s", limit, kind)
}

func (r *registrar) Subscribe(in api.SubscribeInput) (api.SubscribeOutput, error) {
	if r.done {
		return api.SubscribeOutput{}, errors.New("subscribe is only allowed during on_enable")
	}
	if !r.e.grants.Has(api.CapEventBus) {
		return api.SubscribeOutput{}, r.deny(api.HostSubscribe, api.CapEventBus)
	}
	known := false
	for _, k := range api.Events {
		known = known || k == in.Event
	}
	if !known {
		return api.SubscribeOutput{}, fmt.Errorf("unknown event %q (want one of %s)", in.Event, eventNames())
	}
	if len(r.listeners) >= MaxListeners {
		return api.SubscribeOutput{}, r.quota("subscriptions", MaxListeners)
	}
	l := &listener{e: r.e, id: uint32(len(r.listeners) + 1), seq: len(r.listeners), SubscribeInput: in}
	r.listeners = append(r.listeners, l)
	return api.SubscribeOutput{Listener: l.id}, nil
}

func (r *registrar) RegisterCommand(spec api.CommandSpec) (api.RegisterCommandOutput, error) {
	if r.done {
		return api.RegisterCommandOutput{}, errors.New("register_command is only allowed during on_enable")
	}
	if !r.e.grants.Has(api.CapCommand) {
		return api.RegisterCommandOutput{}, r.deny(api.HostRegisterCommand, api.CapCommand)
	}
	if err := validCommandName(spec.Name); err != nil {
		return api.RegisterCommandOutput{}, err
	}
	for _, res := range r.h.opts.Reserved {
		if res == spec.Name {
			r.h.warnf("extension %q: command %q clashes with a built-in command and is refused", r.e.id, spec.Name)
			return api.RegisterCommandOutput{}, fmt.Errorf("command %q clashes with a built-in command of tote", spec.Name)
		}
	}
	if owner := r.h.commandOwner(spec.Name, r.e); owner != "" {
		r.h.warnf("extension %q: command %q is already registered by extension %q and is refused", r.e.id, spec.Name, owner)
		return api.RegisterCommandOutput{}, fmt.Errorf("command %q is already registered by extension %q", spec.Name, owner)
	}
	for _, c := range r.commands {
		if c.spec.Name == spec.Name {
			return api.RegisterCommandOutput{}, fmt.Errorf("command %q is registered twice", spec.Name)
		}
	}
	if len(r.commands) >= MaxCommands {
		return api.RegisterCommandOutput{}, r.quota("commands", MaxCommands)
	}
	c := &command{e: r.e, handler: uint32(len(r.commands) + 1), spec: spec}
	r.commands = append(r.commands, c)
	return api.RegisterCommandOutput{Handler: c.handler}, nil
}

func (r *registrar) deny(fn string, c api.Capability) error {
	msg := fmt.Sprintf("%s: %s: extension %q was not granted the %s capability", api.PermissionDenied, fn, r.e.id, c)
	r.h.denied(r.e, fn, msg)
	return fmt.Errorf("%w%s", errPermission, strings.TrimPrefix(msg, api.PermissionDenied))
}

// commandOwner returns the other extension that has name, from the live
// registrations or a fresh cache entry. h.mu is held.
func (h *Host) commandOwner(name string, self *entry) string {
	for _, e := range h.entries {
		if e == self || !e.enabled || e.state == StateRefused {
			continue
		}
		if e.state == StateEnabled || e.state == StateQuarantined {
			for _, c := range e.commands {
				if c.spec.Name == name {
					return e.id
				}
			}
			continue
		}
		if c, ok := h.cache.Entries[e.id]; ok && c.Kind == e.kind {
			for _, s := range c.Commands {
				if s.Name == name {
					return e.id
				}
			}
		}
	}
	return ""
}

func validCommandName(name string) error {
	ok := name != "" && len(name) <= 64 && name[0] != '-'
	for _, r := range name {
		ok = ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}
	if !ok {
		return fmt.Errorf("invalid command name %q: want 1 to 64 of a-z, 0-9, - and _, not starting with -", name)
	}
	return nil
}

func eventNames() string {
	var s []string
	for _, k := range api.Events {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

// denied logs a denied capability, rate-limited: the first three denials of
// an extension, then at most one every ten seconds with the count.
func (h *Host) denied(e *entry, fn, msg string) {
	e.denials++
	now := h.opts.Now()
	if e.denials > 3 && now.Sub(e.lastDenyLog) < 10*time.Second {
		h.logger.Debug("extension call denied", "extension", e.id, "function", fn, "error", msg)
		return
	}
	e.lastDenyLog = now
	h.logger.Warn("extension call denied", "extension", e.id, "function", fn, "error", msg, "denials", e.denials)
}
