package account

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Many parallel hashes never run more than the slots at once: memory stays
// bounded by slots × argonMemory.
func TestHashSlotsBoundConcurrency(t *testing.T) {
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 4 * cap(hashSlots) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := withHashSlot(context.Background(), func() {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(time.Millisecond) // hold the slot a while
				running.Add(-1)
			})
			if err != nil && !errors.Is(err, ErrBusy) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got, want := int(peak.Load()), cap(hashSlots); got > want {
		t.Fatalf("peak concurrent hashes = %d, want at most %d", got, want)
	}
}

// With every slot taken for longer than the wait, a hash is refused with
// ErrBusy (503 + Retry-After) instead of queuing without bound.
func TestHashSlotsBusy(t *testing.T) {
	old := hashWait
	hashWait = 10 * time.Millisecond
	t.Cleanup(func() { hashWait = old })
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	_, err := HashPasswordContext(context.Background(), "long enough pass")
	_, cerr := CheckPasswordHashContext(context.Background(), dummyHash, "long enough pass")
	for range cap(hashSlots) {
		<-hashSlots
	}
	if !errors.Is(err, ErrBusy) || !errors.Is(cerr, ErrBusy) {
		t.Fatalf("with all slots taken: hash %v, check %v; want ErrBusy", err, cerr)
	}
	if _, err := HashPasswordContext(context.Background(), "long enough pass"); err != nil {
		t.Fatalf("after release: %v", err)
	}
}
