package sdk

import (
	"errors"
	"fmt"
)

// PluginError is an error whose message is meant for the user. When a
// plugin function returns one, [Export] passes Message to the host, which
// shows it with the plugin id and function name.
//
// It is named PluginError, not Error, because [Error] is the error-level
// logging function.
type PluginError struct {
	// Message is shown to the user as it is.
	Message string
	// Code is the return code of the export; 0 means 1. Extism treats every
	// non-zero code as a failure, so it only tells failures apart.
	Code int

	err error
}

// Error returns Message.
func (e *PluginError) Error() string { return e.Message }

// Unwrap returns the error wrapped with %w by [Errorf], if any.
func (e *PluginError) Unwrap() error { return e.err }

// Errorf formats a [PluginError]. A %w verb wraps its operand as with
// fmt.Errorf, so errors.Is and errors.As see through the result.
func Errorf(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &PluginError{Message: err.Error(), err: errors.Unwrap(err)}
}

// returnCode is the export return code for err: the Code of a PluginError
// in its chain if non-zero, else 1.
func returnCode(err error) int32 {
	var pe *PluginError
	if errors.As(err, &pe) && pe.Code != 0 {
		return int32(pe.Code)
	}
	return 1
}
