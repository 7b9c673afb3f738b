package version

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache", "versions")
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	c := Cache{Dir: dir, Now: func() time.Time { return now }}

	if l, fresh, err := c.Load("node"); l != nil || fresh || err != nil {
		t.Fatalf("Load of a missing entry = %v, %v, %v", l, fresh, err)
	}
	list := CachedList{
		Versions: []string{"22.12.0", "20.18.1"},
		Latest:   "22.12.0",
		Canary:   "24.0.0-nightly20241201",
		Aliases:  map[string]string{"lts-*": "22.12.0"},
	}
	if err := c.Store("node", list); err != nil {
		t.Fatal(err)
	}
	list.FetchedAt = now
	for _, tc := range []struct {
		age   time.Duration
		fresh bool
	}{
		{0, true},
		{11 * time.Hour, true},
		{12 * time.Hour, false},
		{48 * time.Hour, false},
		{-time.Hour, false}, // fetched "in the future": clock moved; refetch
	} {
		c.Now = func() time.Time { return now.Add(tc.age) }
		got, fresh, err := c.Load("node")
		if err != nil {
			t.Fatal(err)
		}
		if fresh != tc.fresh {
			t.Errorf("age %v: fresh = %v, want %v", tc.age, fresh, tc.fresh)
		}
		if !reflect.DeepEqual(*got, list) {
			t.Errorf("age %v: Load = %+v, want %+v", tc.age, *got, list)
		}
		anyList, err := c.LoadAny("node")
		if err != nil || !reflect.DeepEqual(*anyList, list) {
			t.Errorf("LoadAny = %+v, %v", anyList, err)
		}
	}

	// A custom TTL.
	c.TTL = time.Minute
	c.Now = func() time.Time { return now.Add(2 * time.Minute) }
	if _, fresh, _ := c.Load("node"); fresh {
		t.Error("entry older than TTL reported fresh")
	}

	// The file is JSON with the documented field names; no temp files remain.
	data, err := os.ReadFile(filepath.Join(dir, "node.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"versions"`, `"latest"`, `"canary"`, `"aliases"`, `"fetched_at": "2026-11-24T12:00:00Z"`} {
		if !strings.Contains(string(data), field) {
			t.Errorf("cache file lacks %s:\n%s", field, data)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("cache dir holds %d entries, want 1", len(entries))
	}

	// Corrupt entries and bad ids are errors naming what failed.
	if err := os.WriteFile(filepath.Join(dir, "deno.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Load("deno"); err == nil || !strings.Contains(err.Error(), "deno.json") {
		t.Errorf("corrupt entry error = %v", err)
	}
	for _, bad := range []string{"", "..", "a/b", `a\b`} {
		if err := c.Store(bad, list); err == nil {
			t.Errorf("Store(%q) succeeded", bad)
		}
	}
}
