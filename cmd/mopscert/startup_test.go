package main

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
)

// Two real processes started at once on a new file (or an empty PostgreSQL
// database) both come up: migrations and each start-up step run under the
// start-up lock, so each finds the other's work done instead of failing.
func TestTwoProcessesStartOnNewFile(t *testing.T) {
	bin := buildBinary(t)
	dbPath := dbtest.EmptyDSN(t)
	type proc struct {
		cmd  *exec.Cmd
		base string
		log  string
	}
	var procs []proc
	for i := 0; i < 2; i++ {
		addr := freeAddr(t)
		cmd := exec.Command(bin, "serve")
		cmd.Env = append(os.Environ(),
			"MOPSCERT_DB="+dbPath, "MOPSCERT_ADDR="+addr, "MOPSCERT_BASE_URL=http://"+addr,
			"MOPSCERT_RATE_LIMITS=0", "MOPSCERT_LOG_LEVEL=warn") // no admin password: one is generated
		logf, err := os.Create(filepath.Join(t.TempDir(), "child.log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = logf, logf
		procs = append(procs, proc{cmd, "http://" + addr, logf.Name()})
	}
	for _, p := range procs {
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = p.cmd.Process.Kill(); _, _ = p.cmd.Process.Wait() })
	}
	exited := make([]chan error, len(procs))
	for i, p := range procs {
		exited[i] = make(chan error, 1)
		go func() { exited[i] <- p.cmd.Wait() }()
	}
	hc := &http.Client{Timeout: time.Second}
	for i, p := range procs {
		ready := false
		for try := 0; try < 600 && !ready; try++ {
			select {
			case err := <-exited[i]:
				t.Fatalf("process %d exited (%v):\n%s", i, err, readLog(p.log))
			default:
			}
			if res, err := hc.Get(p.base + "/readyz"); err == nil {
				res.Body.Close()
				ready = res.StatusCode == 200
			}
			if !ready {
				time.Sleep(50 * time.Millisecond)
			}
		}
		if !ready {
			t.Fatalf("process %d never became ready:\n%s", i, readLog(p.log))
		}
	}
	d, err := db.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, q := range []struct{ sql, what string }{
		{`SELECT count(*) FROM users WHERE role = 'admin'`, "admins"},
		{`SELECT count(*) FROM signing_keys`, "signing keys"},
	} {
		var n int
		if err := d.R.QueryRow(q.sql).Scan(&n); err != nil || n != 1 {
			t.Errorf("%s = %d (%v), want 1", q.what, n, err)
		}
	}
	var tiers int
	_ = d.R.QueryRow(`SELECT count(*) FROM tiers`).Scan(&tiers)
	if tiers != 3 {
		t.Errorf("tiers = %d, want 3", tiers)
	}
	// Exactly one process printed a generated password.
	if got := strings.Count(readLog(procs[0].log)+readLog(procs[1].log), "Created the first admin"); got != 1 {
		t.Errorf("%d processes created the first admin, want 1", got)
	}
}

// Commands that only read leave the signing keys alone: only serve and
// keys rotate make one.
func TestLintMakesNoSigningKey(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "fresh.db")
	env := func(k string) string { return map[string]string{"MOPSCERT_DB": dbPath}[k] }
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"bank", "lint"}, strings.NewReader(""), &out, &errOut, env); code != 0 {
		t.Fatalf("bank lint on a fresh database: exit %d %s", code, errOut.String())
	}
	conn, err := sql.Open("sqlite3", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM signing_keys`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("signing keys after bank lint = %d (%v), want 0", n, err)
	}
	if code := run(context.Background(), []string{"keys", "rotate"}, strings.NewReader(""), &out, &errOut, env); code != 0 {
		t.Fatalf("keys rotate: exit %d %s", code, errOut.String())
	}
	if err := conn.QueryRow(`SELECT count(*) FROM signing_keys`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("signing keys after keys rotate = %d (%v), want 1", n, err)
	}
}

// -h on any command prints its flags and exits 0.
func TestHelpFlag(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "-h"}, {"bank", "lint", "-h"}, {"bank", "import", "-h"}, {"bank", "export", "--help"},
		{"migrate", "-h"}, {"keys", "rotate", "-h"}, {"backup", "-h"},
	} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			var out, errOut bytes.Buffer
			env := func(k string) string {
				return map[string]string{"MOPSCERT_DB": filepath.Join(t.TempDir(), "h.db")}[k]
			}
			code := run(context.Background(), args, strings.NewReader(""), &out, &errOut, env)
			help := out.String() + errOut.String()
			if code != 0 || !strings.Contains(help, "Usage of mopscert") || strings.Contains(help, "help requested") {
				t.Fatalf("exit %d, output %q; want 0 and the flag list", code, help)
			}
		})
	}
}

// A changed listen port with the default public URL is warned about, naming
// both settings.
func TestWarnsAddrWithoutBaseURL(t *testing.T) {
	var logs bytes.Buffer
	m := NewMain(Config{Addr: "127.0.0.1:9191", BaseURL: DefaultConfig().BaseURL, LogLevel: "info"}, &logs, &logs)
	m.warnBaseURL()
	if s := logs.String(); !strings.Contains(s, "MOPSCERT_ADDR=127.0.0.1:9191") || !strings.Contains(s, "MOPSCERT_BASE_URL=http://localhost:8080") {
		t.Fatalf("log = %q, want a warning naming both", s)
	}
	var quiet bytes.Buffer
	m = NewMain(Config{Addr: "127.0.0.1:9191", BaseURL: "http://127.0.0.1:9191", LogLevel: "info"}, &quiet, &quiet)
	m.warnBaseURL()
	if quiet.String() != "" {
		t.Errorf("warned with a base URL set: %q", quiet.String())
	}
}

func readLog(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
