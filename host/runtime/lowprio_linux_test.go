package runtime

import (
	goruntime "runtime"
	"syscall"
)

// lowPriority runs the calling goroutine from now on, on an OS thread of
// its own, at the lowest CPU priority (nice 19: Linux keeps a nice value
// per thread). The goroutine must return without unlocking: Go then ends
// the thread instead of reusing it at that priority. A test that spins
// for a fixed time (TestAttackSymlinkRace) gets every core nobody else
// wants and leaves the others to the rest of the suite.
func lowPriority() {
	goruntime.LockOSThread()
	syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}
