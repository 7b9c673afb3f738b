package sdk

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

func TestExportDecodesCallsAndEncodes(t *testing.T) {
	f := useFake(t, &fakeABI{in: []byte(`{"id":"node","extra":"ignored"}`)})
	var got RegisterToolInput
	rc := Export(func(in RegisterToolInput) (RegisterToolOutput, error) {
		got = in
		return RegisterToolOutput{Name: "Node " + in.ID, Type: TypeLanguage}, nil
	})
	if rc != 0 || f.err != "" {
		t.Fatalf("rc = %d, err = %q", rc, f.err)
	}
	if got.ID != "node" {
		t.Errorf("input id = %q", got.ID)
	}
	want := `{"name":"Node node","type":"language","inventory_options":{}}`
	if string(f.out) != want {
		t.Errorf("output = %s, want %s", f.out, want)
	}
}

func TestExportEmptyInputIsZero(t *testing.T) {
	for _, in := range []string{"", "  \n"} {
		f := useFake(t, &fakeABI{in: []byte(in)})
		called := false
		rc := Export(func(in LoadVersionsInput) (LoadVersionsOutput, error) {
			called = true
			if in.Initial != "" {
				t.Errorf("initial = %q", in.Initial)
			}
			return LoadVersionsOutput{Versions: []string{"1.0.0"}}, nil
		})
		if rc != 0 || !called || string(f.out) != `{"versions":["1.0.0"]}` {
			t.Errorf("input %q: rc %d called %v out %s err %q", in, rc, called, f.out, f.err)
		}
	}
}

func TestExportBadInput(t *testing.T) {
	f := useFake(t, &fakeABI{in: []byte(`{"id": 42}`)})
	rc := Export(func(in RegisterToolInput) (RegisterToolOutput, error) {
		t.Error("function called with bad input")
		return RegisterToolOutput{}, nil
	})
	if rc != 1 || f.outSet {
		t.Fatalf("rc = %d, output set %v", rc, f.outSet)
	}
	if !strings.Contains(f.err, "decode input as *api.RegisterToolInput") || !strings.Contains(f.err, "string") {
		t.Errorf("error = %q", f.err)
	}
}

func TestExportError(t *testing.T) {
	f := useFake(t, &fakeABI{})
	rc := Export(func(RegisterToolInput) (RegisterToolOutput, error) {
		return RegisterToolOutput{Name: "unused"}, Errorf("no release for %s", "1.2.3")
	})
	if rc != 1 || f.err != "no release for 1.2.3" || f.outSet {
		t.Errorf("rc %d err %q output set %v", rc, f.err, f.outSet)
	}
}

func TestExportErrorCode(t *testing.T) {
	f := useFake(t, &fakeABI{})
	rc := ExportOutput(func() (int, error) {
		return 0, fmt.Errorf("wrapped: %w", &PluginError{Message: "gone", Code: 7})
	})
	if rc != 7 || f.err != "wrapped: gone" {
		t.Errorf("rc %d err %q", rc, f.err)
	}
}

func TestExportPanic(t *testing.T) {
	f := useFake(t, &fakeABI{in: []byte(`{}`)})
	rc := Export(func(in RegisterToolInput) (RegisterToolOutput, error) {
		var m map[string]int
		m[in.ID]++ // assignment to entry in nil map
		return RegisterToolOutput{}, nil
	})
	if rc != 1 {
		t.Fatalf("rc = %d", rc)
	}
	if !strings.HasPrefix(f.err, "panic: assignment to entry in nil map (at sdk/export_test.go:") {
		t.Errorf("error = %q", f.err)
	}
}

func TestExportPanicValue(t *testing.T) {
	f := useFake(t, &fakeABI{})
	ExportOutput(func() (string, error) { panic(fmt.Sprintf("bad state %d", 3)) })
	if !strings.HasPrefix(f.err, "panic: bad state 3 (at ") {
		t.Errorf("error = %q", f.err)
	}
}

func TestExportOutputIgnoresInput(t *testing.T) {
	f := useFake(t, &fakeABI{in: []byte(`not json`)})
	rc := ExportOutput(func() (DetectVersionOutput, error) {
		return DetectVersionOutput{Files: []string{".nvmrc"}}, nil
	})
	if rc != 0 || string(f.out) != `{"files":[".nvmrc"]}` {
		t.Errorf("rc %d out %s err %q", rc, f.out, f.err)
	}
}

func TestExportInputNoOutput(t *testing.T) {
	f := useFake(t, &fakeABI{in: []byte(`{"input_file":"/temp/a.zip","output_dir":"/proto/tools/x"}`)})
	var got UnpackArchiveInput
	rc := ExportInput(func(in UnpackArchiveInput) error { got = in; return nil })
	if rc != 0 || f.outSet || got.InputFile.Path != "/temp/a.zip" || got.OutputDir.Path != "/proto/tools/x" {
		t.Errorf("rc %d output set %v input %+v", rc, f.outSet, got)
	}
	rc = ExportInput(func(UnpackArchiveInput) error { return fs.ErrNotExist })
	if rc != 1 || f.err != "file does not exist" {
		t.Errorf("rc %d err %q", rc, f.err)
	}
}

func TestErrorfWraps(t *testing.T) {
	err := Errorf("open archive: %w", fs.ErrNotExist)
	var pe *PluginError
	if !errors.As(err, &pe) || pe.Message != "open archive: file does not exist" {
		t.Fatalf("err = %#v", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is does not see the wrapped error")
	}
}
