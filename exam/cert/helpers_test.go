package cert

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
)

const testBaseURL = "https://cert.example.org"

// t0 is the fake clock's start: a whole second, as issue times are.
var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

type fixture struct {
	db  *db.DB
	clk *clock.Fake
	svc *Service
}

// mustService opens a real migrated database and a Service on a fake clock.
func mustService(tb testing.TB) *fixture {
	tb.Helper()
	d := dbtest.Open(tb)
	clk := clock.NewFake(t0)
	svc, err := New(context.Background(), d, clk, testBaseURL+"/")
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return &fixture{db: d, clk: clk, svc: svc}
}

var attemptSeq atomic.Int64

// request returns a valid IssueRequest with a fresh attempt id.
func request(name string) IssueRequest {
	n := attemptSeq.Add(1)
	return IssueRequest{
		AttemptID:  "a_test_" + strconv.FormatInt(n, 10),
		UserID:     "u_holder",
		HolderName: name,
		Tier:       "practitioner",
		TierName:   "MOps Practitioner",
		ValidFor:   2 * 365 * 24 * time.Hour,
	}
}

func (fx *fixture) issue(tb testing.TB, req IssueRequest) Credential {
	tb.Helper()
	c, err := fx.svc.Issue(context.Background(), req)
	if err != nil {
		tb.Fatalf("Issue: %v", err)
	}
	return c
}

// inTx runs fn in a write transaction and fails the test on error.
func (fx *fixture) inTx(tb testing.TB, fn func(tx *sql.Tx) error) {
	tb.Helper()
	if err := fx.db.Update(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// needTool returns the path of an external tool, or skips the test when it
// is missing, unless MOPSCERT_REQUIRE_TOOLS=1 makes that a failure.
func needTool(tb testing.TB, name, pkg string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := name + " is not installed (apt-get install -y " + pkg + ")"
	if os.Getenv("MOPSCERT_REQUIRE_TOOLS") == "1" {
		tb.Fatal(msg + " and MOPSCERT_REQUIRE_TOOLS=1")
	}
	tb.Skip(msg)
	return ""
}

// sharedTestdata is test material kept beside the repository where CI puts
// it, not in it; a fresh clone skips what needs it.
const sharedTestdata = "../../../shared/testdata"

// needShared skips tb when the shared test material is absent, unless
// MOPSCERT_REQUIRE_TOOLS=1 makes that a failure.
func needShared(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(sharedTestdata); err == nil {
		return
	}
	msg := "shared test material " + sharedTestdata + " is absent (it lives beside the repository in CI)"
	if os.Getenv("MOPSCERT_REQUIRE_TOOLS") == "1" {
		tb.Fatal(msg + " and MOPSCERT_REQUIRE_TOOLS=1")
	}
	tb.Skip(msg + "; skipping")
}
