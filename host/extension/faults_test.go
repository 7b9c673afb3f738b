package extension

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
)

// TestAttackPersistentQuarantine: faults count across processes (one Host
// each, sharing $TOTE_HOME); the quarantine holds in later processes
// without constructing the extension; ClearFaults lifts it; a successful
// call forgets the faults in a row.
func TestAttackPersistentQuarantine(t *testing.T) {
	env := newEnv(t, enabled("flaky")+"[extensions.flaky.limits]\nmax-restarts = 1\n")
	builds := 0
	failing := true
	flaky := &testPlugin{id: "flaky", tr: &trace{}, subs: []sub{
		{event: api.EventPreRun, priority: api.PriorityNormal, reply: func(api.EventEnvelope) (any, error) {
			if failing {
				panic("spin")
			}
			return nil, nil
		}},
	}}
	env.natives["flaky"] = func(h NativeHost) Plugin { builds++; flaky.host = h; return flaky }
	ctx := context.Background()
	process := func() error {
		h := env.host(t)
		defer h.Close(ctx)
		env.now = env.now.Add(time.Second)
		return h.Fire(ctx, api.EventPreRun, api.RunEvent{Tool: "x"}, &api.RunResult{})
	}
	// A success clears the faults in a row: fault, success, fault is not
	// a quarantine with max-restarts = 1.
	if err := process(); err == nil {
		t.Fatal("a panicking pre-run listener allowed the run")
	}
	failing = false
	if err := process(); err != nil {
		t.Fatalf("healthy run: %v", err)
	}
	if r, _ := ReadFaults(env.home, "flaky"); len(r.Faults) != 0 {
		t.Fatalf("a success kept the faults: %+v", r)
	}
	failing = true
	process()
	if strings.Contains(env.warnings.String(), "quarantined") {
		t.Fatalf("quarantined although a success came between the faults:\n%s", env.warnings)
	}
	// The second fault in a row (another process) quarantines it.
	process()
	if n := strings.Count(env.warnings.String(), `extension "flaky" is quarantined after 2 faults in a row`); n != 1 {
		t.Fatalf("%d quarantine warnings:\n%s", n, env.warnings)
	}
	r, err := ReadFaults(env.home, "flaky")
	if err != nil || !r.Quarantined() || r.Digest == "" {
		t.Fatalf("record %+v, %v", r, err)
	}
	// Later processes deny at once, without building the extension.
	before := builds
	err = process()
	var de *DeniedError
	if !errors.As(err, &de) || de.Extension != "flaky" || !strings.Contains(err.Error(), "tote extension enable flaky") {
		t.Fatalf("run after quarantine = %v", err)
	}
	h := env.host(t)
	if in, _ := h.Lookup(ctx, "flaky", false); in.State != StateQuarantined || in.QuarantinedAt == nil || in.Faults != 2 {
		t.Errorf("info %+v", in)
	}
	h.Close(ctx)
	if builds != before {
		t.Errorf("a quarantined extension was built %d times", builds-before)
	}
	// tote extension enable clears the record.
	if err := ClearFaults(ctx, env.home, "flaky"); err != nil {
		t.Fatal(err)
	}
	failing = false
	if err := process(); err != nil || builds != before+1 {
		t.Fatalf("after ClearFaults: %v (builds %d)", err, builds-before)
	}
}

// TestAttackQuarantineRecordTampering: the record lives outside every data
// directory; a corrupt or oversized one is reported, not trusted, and
// replaced on the next fault; a record of another build is dropped.
func TestAttackQuarantineRecordTampering(t *testing.T) {
	env := newEnv(t, enabled("flaky"))
	p := faultsPath(env.home, "flaky")
	if strings.HasPrefix(p, env.home+"/extensions/flaky/") {
		t.Fatalf("the record %s is inside the extension's data directory", p)
	}
	os.MkdirAll(strings.TrimSuffix(p, "/flaky.json"), 0o755)
	os.WriteFile(p, []byte("{not json"), 0o644)
	if _, err := ReadFaults(env.home, "flaky"); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt record: %v", err)
	}
	os.WriteFile(p, []byte(strings.Repeat(" ", maxFaultRecord+1)), 0o644)
	if _, err := ReadFaults(env.home, "flaky"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized record: %v", err)
	}
	// A quarantine recorded for another build does not hold.
	at := env.now
	os.WriteFile(p, []byte(`{"faults":["2020-01-01T00:00:00Z"],"quarantined_at":"`+at.Format(time.RFC3339)+`","digest":"sha256:other"}`), 0o644)
	env.native(&testPlugin{id: "flaky", tr: &trace{}, subs: []sub{{event: api.EventPreRun, priority: api.PriorityNormal}}})
	h := env.host(t)
	if err := h.Fire(context.Background(), api.EventPreRun, api.RunEvent{}, &api.RunResult{}); err != nil {
		t.Fatalf("a record of another build quarantined this one: %v", err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("the stale record was kept: %v", err)
	}
}

// TestAttackRunPathBudget: a spinning pre-run listener is stopped after the
// run-path budget (limits.run-timeout), not the 5 s call timeout, and the
// error says which limit; other events keep call-timeout.
func TestAttackRunPathBudget(t *testing.T) {
	env := newEnv(t, "[extensions.prerun-spin]\nlimits = { run-timeout = \"100ms\", call-timeout = \"30s\" }\n")
	env.install(t, "prerun-spin", "prerun-spin")
	h := env.host(t)
	err := h.Fire(context.Background(), api.EventPreRun, api.RunEvent{Tool: "x"}, &api.RunResult{})
	if !runtime.IsKind(err, runtime.KindTimeout) || !strings.Contains(err.Error(), "exceeded the run-path budget of 100ms on pre-run (limits.run-timeout)") {
		t.Fatalf("spinning pre-run = %v", err)
	}
	if r, _ := ReadFaults(env.home, "prerun-spin"); len(r.Faults) != 1 {
		t.Errorf("the fault was not recorded: %+v", r)
	}
	for _, k := range []api.EventKind{api.EventPreRun, api.EventPostRun, api.EventVersionResolved} {
		if !RunPathEvent(k) {
			t.Errorf("%s is not on the run path", k)
		}
	}
	for _, k := range []api.EventKind{api.EventPreInstall, api.EventPreDownload, api.EventPostInstall} {
		if RunPathEvent(k) {
			t.Errorf("%s is on the run path", k)
		}
	}
}
