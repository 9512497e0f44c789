package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestBankAuditCommand(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "m.db")
	env := func(k string) string { return map[string]string{"MOPSCERT_DB": dbPath}[k] }
	if err := startMain(t, dbPath, nil).Close(); err != nil { // seeds the default bank and tiers
		t.Fatal(err)
	}
	cli := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &errOut, env)
		return code, out.String(), errOut.String()
	}
	t.Run("CleanFile", func(t *testing.T) {
		code, out, errOut := cli("bank", "audit", "--file", "../../bank/testdata/audit_clean.yaml")
		if code != 0 || !strings.Contains(out, "0 errors, 0 findings") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	})
	t.Run("ErrGiveaway", func(t *testing.T) {
		code, out, _ := cli("bank", "audit", "--file", "../../bank/testdata/audit_cues.yaml", "--tier", "cues")
		if code != 1 || !strings.Contains(out, "cue-key-giveaway\terror\tkey_giveaway") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("JSON", func(t *testing.T) {
		code, out, _ := cli("bank", "audit", "--file", "../../bank/testdata/audit_cues.yaml", "--tier", "tf", "--format", "json")
		var r struct {
			Tiers []struct {
				Tier         string  `json:"tier"`
				GuesserScore float64 `json:"guesser_score"`
			} `json:"tiers"`
			Findings []struct {
				Rule string `json:"rule"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
			t.Fatalf("exit %d, %v\n%s", code, err, out)
		}
		if len(r.Tiers) != 1 || r.Tiers[0].Tier != "tf" || r.Tiers[0].GuesserScore != 100 {
			t.Errorf("tiers = %+v", r.Tiers)
		}
	})
	t.Run("Database", func(t *testing.T) {
		// The shipped bank, loaded on first open, has warnings but no errors.
		code, out, errOut := cli("bank", "audit", "--tier", "foundation")
		if code != 0 || !strings.Contains(out, "\nfoundation ") || !strings.Contains(out, " 0 errors") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	})
	t.Run("ErrFormat", func(t *testing.T) {
		if code, _, _ := cli("bank", "audit", "--format", "xml"); code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
	})
}
