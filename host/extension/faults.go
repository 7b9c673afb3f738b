package extension

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/tote-dev/tote/internal/extension/extcache"
	"github.com/tote-dev/tote/internal/store"
)

// Faults and quarantine outlive the process: each tote process that runs a
// faulting extension adds to one small record per extension,
// $TOTE_HOME/extensions/.faults/<id>.json (outside every data directory,
// so no extension can clear its own), written atomically under a file
// lock. A quarantine recorded there holds in every later process, which
// then does not load the extension at all, until `tote extension enable`
// clears it or a new build of the extension (another digest) replaces it.

// faultsDirName is the directory of the fault records in
// $TOTE_HOME/extensions; a dot name is never an extension id.
const faultsDirName = ".faults"

// maxFaultRecord bounds a fault record read from disk.
const maxFaultRecord = 64 << 10

// maxRecordedFaults bounds the fault times kept in a record.
const maxRecordedFaults = 64

// FaultRecord is what tote remembers of one extension's faults.
type FaultRecord struct {
	// Faults are the times of the recent faults in a row (a successful
	// call clears them), oldest first.
	Faults []time.Time `json:"faults,omitempty"`
	// QuarantinedAt is when the extension was quarantined; nil when it is
	// not.
	QuarantinedAt *time.Time `json:"quarantined_at,omitempty"`
	// LastError is the last fault's message.
	LastError string `json:"last_error,omitempty"`
	// Digest identifies the build that faulted (sha256 of the .wasm, or the
	// native build's fingerprint).
	Digest string `json:"digest,omitempty"`
}

// Quarantined reports whether the record quarantines the extension.
func (r FaultRecord) Quarantined() bool { return r.QuarantinedAt != nil }

func faultsPath(home, id string) string {
	return filepath.Join(store.Store{Home: home}.ExtensionsDir(), faultsDirName, id+".json")
}

// ReadFaults reads the fault record of extension id in home; a missing
// record is the zero record. A record that cannot be read or decoded is an
// error naming the file.
func ReadFaults(home, id string) (FaultRecord, error) {
	var r FaultRecord
	p := faultsPath(home, id)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("read fault record: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFaultRecord+1))
	if err != nil {
		return r, fmt.Errorf("read fault record %s: %w", p, err)
	}
	if len(data) > maxFaultRecord {
		return r, fmt.Errorf("fault record %s is larger than %d bytes", p, maxFaultRecord)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("fault record %s is corrupt: %w", p, err)
	}
	return r, nil
}

// updateFaults changes the fault record of id under a cross-process lock.
// fn returning false leaves the file as it was; an empty record removes it.
// A corrupt record is replaced (it only ever holds what tote itself wrote).
func updateFaults(ctx context.Context, home, id string, fn func(*FaultRecord) bool) (FaultRecord, error) {
	st := store.Store{Home: home}
	if err := os.MkdirAll(st.LocksDir(), 0o755); err != nil {
		return FaultRecord{}, err
	}
	unlock, err := store.LockFile(ctx, filepath.Join(st.LocksDir(), "extension-"+id+".faults.lock"))
	if err != nil {
		return FaultRecord{}, fmt.Errorf("lock the fault record of %s: %w", id, err)
	}
	defer unlock()
	r, _ := ReadFaults(home, id)
	if !fn(&r) {
		return r, nil
	}
	p := faultsPath(home, id)
	if len(r.Faults) == 0 && r.QuarantinedAt == nil {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return r, err
		}
		return r, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return r, err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return r, err
	}
	return r, store.WriteFileAtomic(p, append(data, '\n'), 0o644)
}

// ClearFaults forgets the faults and any quarantine of extension id in
// home (`tote extension enable`).
func ClearFaults(ctx context.Context, home, id string) error {
	_, err := updateFaults(ctx, home, id, func(r *FaultRecord) bool {
		if len(r.Faults) == 0 && r.QuarantinedAt == nil {
			return false
		}
		*r = FaultRecord{}
		return true
	})
	return err
}

// recordFault adds a fault of e at now to its record, forgetting faults
// older than the window, and quarantines it when the faults in a row
// exceed its restart budget. It returns the updated record. h.mu is held.
func (h *Host) recordFault(e *entry, now time.Time, err error) FaultRecord {
	digest := h.digestOf(e)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, uerr := updateFaults(ctx, h.opts.Home, e.id, func(r *FaultRecord) bool {
		if r.Digest != digest {
			*r = FaultRecord{Digest: digest}
		}
		kept := r.Faults[:0]
		for _, t := range r.Faults {
			if now.Sub(t) < h.opts.FaultWindow {
				kept = append(kept, t)
			}
		}
		r.Faults = append(kept, now)
		if len(r.Faults) > maxRecordedFaults {
			r.Faults = r.Faults[len(r.Faults)-maxRecordedFaults:]
		}
		r.LastError = err.Error()
		if len(r.Faults) > e.limits.maxRestarts && r.QuarantinedAt == nil {
			t := now
			r.QuarantinedAt = &t
		}
		return true
	})
	if uerr != nil {
		// Without the record, count in this process only.
		h.logger.Warn("cannot record the extension fault", "extension", e.id, "error", uerr)
		kept := e.faults[:0]
		for _, t := range e.faults {
			if now.Sub(t) < h.opts.FaultWindow {
				kept = append(kept, t)
			}
		}
		r = FaultRecord{Faults: append(kept, now), LastError: err.Error()}
		if len(r.Faults) > e.limits.maxRestarts {
			r.QuarantinedAt = &now
		}
	}
	return r
}

// clearFaultsAfterSuccess forgets e's faults in a row after a successful
// call. It writes only when there is something to forget. h.mu is held.
func (h *Host) clearFaultsAfterSuccess(e *entry) {
	if len(e.faults) == 0 || e.state != StateEnabled {
		return
	}
	e.faults = nil
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := updateFaults(ctx, h.opts.Home, e.id, func(r *FaultRecord) bool {
		if r.QuarantinedAt != nil || len(r.Faults) == 0 {
			return false
		}
		r.Faults = nil
		return true
	}); err != nil {
		h.logger.Warn("cannot clear the extension's fault record", "extension", e.id, "error", err)
	}
}

// digestOf identifies the build of e: the native fingerprint, or the
// sha256 of its .wasm (from the cache when it still describes the file).
func (h *Host) digestOf(e *entry) string {
	if e.kind != extcache.KindWASM {
		return h.opts.NativeFingerprint
	}
	if c, ok := h.fresh(e); ok {
		return c.Digest
	}
	d, err := extcache.FileDigest(e.path)
	if err != nil {
		return ""
	}
	return d
}

// restoreQuarantine applies a quarantine recorded by an earlier process to
// e, without loading it: its cached subscriptions join the chains (so its
// access listeners keep failing closed) and nothing else of it runs. A
// record for another build of the extension is dropped. h.mu is held.
func (h *Host) restoreQuarantine(e *entry) {
	r, err := ReadFaults(h.opts.Home, e.id)
	if err != nil {
		h.logger.Warn("cannot read the extension's fault record", "extension", e.id, "error", err)
		return
	}
	if len(r.Faults) == 0 && r.QuarantinedAt == nil {
		return
	}
	if r.Digest != "" && r.Digest != h.digestOf(e) {
		// A new build: it starts with a clean record.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = ClearFaults(ctx, h.opts.Home, e.id)
		return
	}
	e.faults = r.Faults
	if !r.Quarantined() {
		return
	}
	e.state = StateQuarantined
	e.quarantinedAt = *r.QuarantinedAt
	e.err = errors.New(r.LastError)
	if c, ok := h.cache.Entries[e.id]; ok && c.Kind == e.kind {
		e.meta = c.Metadata
		for i, s := range c.Subscriptions {
			e.listeners = append(e.listeners, &listener{e: e, id: uint32(i + 1), seq: i, SubscribeInput: s})
		}
	}
}
