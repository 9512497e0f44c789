// Command mopscert is the whole certification server in one binary: the web
// server (default), migrations, bank import/export/lint, admin accounts and
// signing-key rotation.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mopscert/mopscert/bank"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usageText = `mopscert — vendor-neutral marketing-operations certification server

Usage:
  mopscert [serve] [flags]              start the server (the default)
  mopscert migrate [status]             apply migrations, or list them
  mopscert admin create --email E --name N [--password-stdin]
  mopscert bank import FILE [--format yaml|gift|aiken] [--dry-run] [--skip-unsupported] [--tiers a,b] [--domain d]
  mopscert bank export [--format yaml|gift] [--out FILE]
  mopscert bank lint                    exit 1 when an item has lint errors
  mopscert bank audit [--tier T] [--format text|json] [--file F]   test-wiseness audit; exit 1 on errors
  mopscert keys rotate                  make a new certificate signing key
  mopscert backup FILE                  write a consistent copy of the database (safe while serving)
  mopscert migrate-data --from FILE --to postgres://…
                                        copy a SQLite installation into an empty PostgreSQL database
  mopscert simulate --tier T --candidates N [--seed S] [--db FILE] [--allow-real]
                                        sit synthetic candidates (@synthetic.invalid) through an exam
  mopscert version

Every command reads MOPSCERT_DB (default mopscert.db); "mopscert serve -h" lists the server's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status: 0 ok, 1 the
// command failed, 2 it was called wrongly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	cfg := DefaultConfig()
	if err := parseEnv(&cfg, getenv); err != nil {
		fmt.Fprintln(stderr, "mopscert:", err)
		return 2
	}
	var err error
	switch cmd {
	case "serve":
		err = cmdServe(ctx, cfg, args, stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, cfg, args, stdout)
	case "admin":
		err = cmdAdmin(ctx, cfg, args, stdin, stdout, stderr)
	case "bank":
		err = cmdBank(ctx, cfg, args, stdout, stderr)
	case "keys":
		err = cmdKeys(ctx, cfg, args, stdout)
	case "backup":
		err = cmdBackup(ctx, cfg, args, stdout)
	case "simulate":
		err = cmdSimulate(ctx, cfg, args, stdout, stderr)
	case "migrate-data":
		err = cmdMigrateData(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "mopscert", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usageText)
	default:
		err = usageError{fmt.Sprintf("unknown command %q (try mopscert help)", cmd)}
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage), errors.Is(err, bank.ErrUnknownFormat):
		fmt.Fprintln(stderr, "mopscert:", err)
		return 2
	case errors.Is(err, errLintFailed):
		return 1
	default:
		fmt.Fprintln(stderr, "mopscert:", err)
		return 1
	}
}

func cmdServe(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("mopscert serve", stderr)
	proxies := serveFlags(fs, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg.TrustedProxies = splitList(*proxies)
	if err := cfg.Validate(); err != nil {
		return err
	}
	m := NewMain(cfg, stdout, stderr)
	if err := m.Run(ctx); err != nil {
		_ = m.Close()
		return err
	}
	<-ctx.Done()
	m.logger.Info("shutting down")
	return m.Close()
}
