package toolchain

import (
	"context"

	"github.com/tote-dev/tote/api"
)

// EventBus receives tote's lifecycle events for extension plugins
// (implemented by *extension.Host). Fire dispatches one event: payload is
// an api.*Event value and result, for resulted events, points at the
// current api.*Result value, updated in place. For access events (pre-*)
// an error means the action is denied.
type EventBus interface {
	Fire(ctx context.Context, kind api.EventKind, payload any, result any) error
}

// fire dispatches an event to m.Events; without extensions it does nothing.
func (m *Manager) fire(ctx context.Context, kind api.EventKind, payload any, result any) error {
	if m.Events == nil {
		return nil
	}
	return m.Events.Fire(ctx, kind, payload, result)
}
