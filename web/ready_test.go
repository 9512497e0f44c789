package web

import (
	"testing"
	"time"

	"github.com/mopscert/mopscert/db/dbtest"
)

// /readyz is 503 when the database cannot take a write, not only when it
// cannot be reached.
func TestReadyz(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := newTestServer(t)
		if r := ts.call(t, "GET", "/readyz", "", nil); r.status != 200 {
			t.Fatalf("readyz = %d %s", r.status, r.body)
		}
	})
	t.Run("ErrWritesFail", func(t *testing.T) {
		ts := newTestServer(t)
		dbtest.FailWrites(t, ts.db, "health_probe", "INSERT")
		if r := ts.call(t, "GET", "/readyz", "", nil); r.status != 503 {
			t.Fatalf("readyz with failing writes = %d %s, want 503", r.status, r.body)
		}
	})
}

// With writes failing (a full disk), a signed-in read still works: the
// session's last_seen refresh is best effort.
func TestReadWithFailingSessionRefresh(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "full-disk@example.com")
	dbtest.FailWrites(t, ts.db, "sessions", "UPDATE")
	ts.clk.Advance(10 * time.Minute) // past the refresh interval, within the idle timeout
	if r := ts.call(t, "GET", "/api/v1/tiers", tok, nil); r.status != 200 {
		t.Fatalf("read with a failing session refresh = %d %s, want 200", r.status, r.body)
	}
}
