package bank

import (
	"os"
	"path/filepath"
	"testing"
)

// Test material written outside the project, read in place (it is GPL or
// MIT licensed and stays out of the repository): see its SOURCES.md files.
// It sits beside the repository only where CI puts it, so a fresh clone
// skips these tests (its own fixtures in testdata/ still run) and CI, with
// MOPSCERT_REQUIRE_TOOLS=1, fails when the folder is missing.
const sharedTestdata = "../../shared/testdata"

// needShared skips tb when the shared test material is absent, or fails it
// under MOPSCERT_REQUIRE_TOOLS=1.
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

func readShared(t *testing.T, path string) []byte {
	t.Helper()
	needShared(t)
	data, err := os.ReadFile(filepath.Join(sharedTestdata, path))
	if err != nil {
		t.Fatalf("read test material: %v", err)
	}
	return data
}
