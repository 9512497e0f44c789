package account

import (
	"context"
	"runtime"
	"time"

	"github.com/mopscert/mopscert/apperr"
)

// Each argon2id hash holds argonMemory KiB (19 MiB) while it runs. Without a
// bound, a burst of sign-ins takes the process to gigabytes; with one slot
// per core, hashing stays CPU-bound and memory stays near slots × 19 MiB.
// A caller waits briefly for a slot and is then told to come back: a login
// that waits longer than hashWait is better answered 503 than left queued.
var (
	hashSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	hashWait  = 2 * time.Second
)

// HashRetryAfter is the Retry-After, in seconds, of ErrBusy.
const HashRetryAfter = 2

// ErrBusy means every hashing slot stayed taken for the whole wait.
var ErrBusy = apperr.New(apperr.Unavailable, "busy", "The server is busy; try again in a moment.").With("retry_after", HashRetryAfter)

// withHashSlot runs f while holding one of the hashing slots, waiting at
// most hashWait (or until ctx ends) for one to be free.
func withHashSlot(ctx context.Context, f func()) error {
	select {
	case hashSlots <- struct{}{}:
	default:
		t := time.NewTimer(hashWait)
		defer t.Stop()
		select {
		case hashSlots <- struct{}{}:
		case <-t.C:
			return ErrBusy
		case <-ctx.Done():
			return ErrBusy
		}
	}
	defer func() { <-hashSlots }()
	f()
	return nil
}
