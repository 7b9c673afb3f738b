package ext

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/tote-dev/tote/api"
)

// invoke runs one listener on one event: it decodes the payload (and the
// current result), calls the handler and returns the new result, or nil
// for "unchanged".
type invoke func(payload, result api.RawJSON) (api.RawJSON, error)

// bind checks that handler fits kind and wraps it. A handler of any event
// may be func(*E) or func(*E) error (it observes and leaves the result
// unchanged); a handler of an access event may also be func(*E) *R or
// func(*E) (*R, error), returning nil for "unchanged".
func bind(kind EventKind, handler any) (invoke, error) {
	if handler == nil {
		return nil, fmt.Errorf("nil handler for %s", kind)
	}
	switch kind {
	case PreInstall:
		return resulted(kind, handler, func(e *PreInstallEvent) *AccessResult { return &e.Current }, func(e *PreInstallEvent) *api.InstallEvent { return &e.InstallEvent }, nil)
	case PreUninstall:
		return resulted(kind, handler, func(e *PreUninstallEvent) *AccessResult { return &e.Current }, func(e *PreUninstallEvent) *api.UninstallEvent { return &e.UninstallEvent }, nil)
	case PreDownload:
		return resulted(kind, handler, func(e *PreDownloadEvent) *DownloadResult { return &e.Current }, func(e *PreDownloadEvent) *api.DownloadEvent { return &e.DownloadEvent },
			func(e *PreDownloadEvent) { e.Current.URL = e.URL })
	case PreRun:
		return resulted(kind, handler, func(e *PreRunEvent) *RunResult { return &e.Current }, func(e *PreRunEvent) *api.RunEvent { return &e.RunEvent },
			func(e *PreRunEvent) { e.Current.Args = append([]string{}, e.Args...) })
	case PostInstall:
		return observed(kind, handler, func(e *PostInstallEvent) *api.InstallEvent { return &e.InstallEvent })
	case PostRun:
		return observed(kind, handler, func(e *PostRunEvent) *api.RunEvent { return &e.RunEvent })
	case PostUninstall:
		return observed(kind, handler, func(e *PostUninstallEvent) *api.UninstallEvent { return &e.UninstallEvent })
	case VersionResolved:
		return observed(kind, handler, func(e *VersionResolvedEvent) *api.VersionResolvedEvent { return &e.VersionResolvedEvent })
	}
	return nil, fmt.Errorf("unknown event %q (want one of %v)", kind, api.Events)
}

// resulted binds a handler of an access event with event type E, payload
// type P and result type R. fill sets the default result from the payload
// when the host sent none.
func resulted[E, P, R any](kind EventKind, handler any, current func(*E) *R, payload func(*E) *P, fill func(*E)) (invoke, error) {
	var fn func(*E) (*R, error)
	switch h := handler.(type) {
	case func(*E) *R:
		fn = func(e *E) (*R, error) { return h(e), nil }
	case func(*E) (*R, error):
		fn = h
	case func(*E):
		fn = func(e *E) (*R, error) { h(e); return nil, nil }
	case func(*E) error:
		fn = func(e *E) (*R, error) { return nil, h(e) }
	default:
		return nil, fmt.Errorf("handler for %s has type %T; want func(*%s) *%s, func(*%[3]s) (*%[4]s, error), func(*%[3]s) or func(*%[3]s) error",
			kind, handler, typeName[E](), typeName[R]())
	}
	return func(p, r api.RawJSON) (api.RawJSON, error) {
		e := new(E)
		if err := decode(kind, "payload", p, payload(e)); err != nil {
			return nil, err
		}
		if len(r) == 0 {
			if fill != nil {
				fill(e)
			}
		} else if err := decode(kind, "result", r, current(e)); err != nil {
			return nil, err
		}
		res, err := fn(e)
		if err != nil || res == nil {
			return nil, err
		}
		b, err := json.Marshal(res)
		if err != nil {
			return nil, fmt.Errorf("encode %s result: %w", kind, err)
		}
		return b, nil
	}, nil
}

// observed binds a handler of an observe-only event.
func observed[E, P any](kind EventKind, handler any, payload func(*E) *P) (invoke, error) {
	var fn func(*E) error
	switch h := handler.(type) {
	case func(*E):
		fn = func(e *E) error { h(e); return nil }
	case func(*E) error:
		fn = h
	default:
		return nil, fmt.Errorf("handler for %s has type %T; want func(*%s) or func(*%[3]s) error", kind, handler, typeName[E]())
	}
	return func(p, _ api.RawJSON) (api.RawJSON, error) {
		e := new(E)
		if err := decode(kind, "payload", p, payload(e)); err != nil {
			return nil, err
		}
		return nil, fn(e)
	}, nil
}

func decode(kind EventKind, what string, b api.RawJSON, v any) error {
	if len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s %s: %w", kind, what, err)
	}
	return nil
}

func typeName[T any]() string {
	t := reflect.TypeFor[T]()
	return "ext." + t.Name()
}
