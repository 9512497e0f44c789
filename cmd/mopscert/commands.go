package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/db"
)

var errLintFailed = errors.New("lint found errors")

// dbFlag adds --db to a subcommand's flags.
func dbFlag(fsName string, cfg *Config, stderr io.Writer) (*Config, *flag.FlagSet) {
	fs := newFlagSet(fsName, stderr)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file or postgres:// URL (MOPSCERT_DB)")
	fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public URL (MOPSCERT_BASE_URL)")
	return cfg, fs
}

func cmdMigrate(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	status := false
	if len(args) > 0 && args[0] == "status" {
		status, args = true, args[1:]
	}
	_, fs := dbFlag("mopscert migrate", &cfg, stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	d, err := db.Open(ctx, cfg.DB) // applies pending migrations
	if err != nil {
		return err
	}
	defer d.Close()
	st, err := d.Status(ctx)
	if err != nil {
		return err
	}
	if !status {
		fmt.Fprintf(stdout, "%s is at schema version %d\n", cfg.DB, db.KnownVersion())
		return nil
	}
	for _, s := range st {
		state := "pending"
		if s.Applied {
			state = "applied"
		}
		fmt.Fprintf(stdout, "%05d  %-8s %s\n", s.Version, state, s.Name)
	}
	return nil
}

func cmdAdmin(ctx context.Context, cfg Config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"use: mopscert admin create --email E --name N [--password-stdin]"}
	}
	_, fs := dbFlag("mopscert admin create", &cfg, stderr)
	email := fs.String("email", "", "the admin's e-mail address")
	name := fs.String("name", "", "the admin's name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return usageError{"admin create needs --email and --name"}
	}
	password, generated := "", false
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	} else if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		var err error
		if password, err = askPassword(int(f.Fd()), stderr); err != nil {
			return err
		}
	} else {
		password, generated = randomPassword(), true
	}
	m := NewMain(cfg, stdout, stderr)
	if err := m.open(ctx); err != nil {
		return err
	}
	defer m.Close()
	u, err := m.accounts.Register(ctx, account.Registration{Email: *email, Name: *name, Password: password}, account.Admin)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created admin %s (%s)\n", u.Email, u.ID)
	if generated {
		fmt.Fprintf(stdout, "Password: %s\nThis password is shown once.\n", password)
	}
	return nil
}

// askPassword reads a new password twice from a terminal, without echo.
func askPassword(fd int, prompt io.Writer) (string, error) {
	fmt.Fprint(prompt, "Password for the new admin (8 to 128 characters): ")
	p1, err := term.ReadPassword(fd)
	fmt.Fprintln(prompt)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	fmt.Fprint(prompt, "Again: ")
	p2, err := term.ReadPassword(fd)
	fmt.Fprintln(prompt)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(p1) != string(p2) {
		return "", usageError{"the two passwords differ"}
	}
	return string(p1), nil
}

func randomPassword() string {
	tok, _ := account.NewToken(15)
	return tok
}

func cmdKeys(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		return usageError{"use: mopscert keys rotate"}
	}
	_, fs := dbFlag("mopscert keys rotate", &cfg, stdout)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	m := NewMain(cfg, stdout, io.Discard)
	if err := m.open(ctx); err != nil {
		return err
	}
	defer m.Close()
	kid, err := m.certs.Rotate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "New signing key %s; older keys stay published while certificates they signed are valid.\n", kid)
	return nil
}

func cmdBank(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"use: mopscert bank import|export|lint|audit|sample|sample-score"}
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "audit":
		return cmdBankAudit(ctx, cfg, args, stdout, stderr)
	case "sample":
		return cmdBankSample(ctx, cfg, args, stdout, stderr)
	case "sample-score":
		return cmdBankSampleScore(ctx, cfg, args, stdout, stderr)
	}
	_, fs := dbFlag("mopscert bank "+sub, &cfg, stderr)
	format := fs.String("format", "", "yaml, gift or aiken (default: from the file name)")
	var (
		dryRun, skip *bool
		tiers, dom   *string
		lang         *string
		out          *string
	)
	switch sub {
	case "import":
		dryRun = fs.Bool("dry-run", false, "check and report; import nothing")
		skip = fs.Bool("skip-unsupported", false, "GIFT: leave out question types the bank does not hold")
		tiers = fs.String("tiers", "", "comma-separated tiers for GIFT/Aiken items")
		dom = fs.String("domain", "", "domain for GIFT/Aiken items without one")
		lang = fs.String("language", "en", "language of the file: en, or de for a GIFT/Aiken file translating existing items (matched by ::id:: or an Aiken ID: line)")
	case "export":
		out = fs.String("out", "", "write to this file instead of standard output")
	case "lint":
	default:
		return usageError{fmt.Sprintf("unknown bank command %q", sub)}
	}
	// The import file may come before or after the flags.
	var file string
	if sub == "import" && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parseOnly(fs, args); err != nil {
		return err
	}
	if sub == "import" && file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	m := NewMain(cfg, stdout, io.Discard)
	if err := m.open(ctx); err != nil {
		return err
	}
	defer m.Close()
	switch sub {
	case "import":
		if file == "" {
			return usageError{"bank import needs a FILE"}
		}
		opt := bank.ParseOptions{SkipUnsupported: *skip, Tiers: splitList(*tiers), Domain: bank.Domain(*dom)}
		return bankImport(ctx, m, file, formatOf(*format, file), strings.ToLower(*lang), opt, *dryRun, stdout, stderr)
	case "export":
		return bankExport(ctx, m, formatOf(*format, "x.yaml"), *out, stdout)
	default:
		return bankLint(ctx, m, stdout)
	}
}

func formatOf(flagValue, file string) string {
	if flagValue != "" {
		return flagValue
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".gift":
		return "gift"
	case ".txt", ".aiken":
		if strings.Contains(strings.ToLower(file), "gift") {
			return "gift"
		}
		return "aiken"
	}
	return "yaml"
}

func bankImport(ctx context.Context, m *Main, file, format, lang string, opt bank.ParseOptions, dryRun bool, stdout, stderr io.Writer) error {
	if err := bank.CheckImportLanguage(format, lang); err != nil {
		return importFailed(file, err, stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	parsed, skipped, err := bank.Parse(format, data, opt)
	data = nil // the parsed items are all that is needed from here on
	if err != nil {
		return importFailed(file, err, stderr)
	}
	for _, s := range skipped {
		fmt.Fprintf(stdout, "skipped line %d: %s\n", s.Line, s.Reason)
	}
	var bar *progressbar.ProgressBar
	if len(parsed) >= 500 {
		bar = progressbar.NewOptions(len(parsed), progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("importing"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	impOpt := bank.ImportOptions{Actor: "cli", DryRun: dryRun, Progress: func(done, _ int) {
		if bar != nil {
			_ = bar.Set(done)
		}
	}}
	var res bank.ImportResult
	if lang == "" || lang == bank.English {
		res, err = m.bank.Import(ctx, parsed, impOpt)
	} else {
		// A translation only edits existing items: no staging, so no
		// progress to show.
		res, err = m.bank.ImportVariants(ctx, lang, parsed, impOpt)
	}
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return importFailed(file, err, stderr)
	}
	verb := "imported"
	if dryRun {
		verb = "would import"
	}
	if lang != "" && lang != bank.English {
		verb += " " + lang + " translations of"
	}
	fmt.Fprintf(stdout, "%s %d items (%d unchanged, %d skipped)\n", verb, res.Imported, res.Unchanged, len(skipped))
	return nil
}

// importFailed prints an import's line errors, one per line as "FILE: line N: …"
// (the first bank.MaxReportedErrors, then how many more), and returns the
// error to exit with.
func importFailed(file string, err error, stderr io.Writer) error {
	ae, ok := apperr.As(err)
	if !ok || len(ae.Lines) == 0 {
		return fmt.Errorf("%s: %w", file, err)
	}
	for _, l := range ae.Lines {
		fmt.Fprintf(stderr, "%s: line %d: %s\n", file, l.Line, l.Message)
	}
	if more, _ := ae.Extra["more_lines"].(int); more > 0 {
		fmt.Fprintf(stderr, "%s: … and %d more errors\n", file, more)
	}
	return fmt.Errorf("%s: %s", file, ae.Message)
}

func bankExport(ctx context.Context, m *Main, format, out string, stdout io.Writer) error {
	items, err := m.bank.AllItems(ctx)
	if err != nil {
		return err
	}
	w := stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	flat := make([]bank.Item, len(items))
	for i, it := range items {
		flat[i] = *it
	}
	return bank.Write(format, w, flat)
}

func bankLint(ctx context.Context, m *Main, stdout io.Writer) error {
	items, err := m.bank.AllItems(ctx)
	if err != nil {
		return err
	}
	findings := m.linter.Bank(items)
	errs, warns := 0, 0
	for _, it := range items {
		for _, f := range findings[it.ID] {
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%s: %s\n", it.ID, f.Severity, f.Rule, f.Field, f.Message)
			if f.Severity == bank.SeverityError {
				errs++
			} else {
				warns++
			}
		}
	}
	fmt.Fprintf(stdout, "%d items, %d errors, %d warnings\n", len(items), errs, warns)
	if errs > 0 {
		return errLintFailed
	}
	return nil
}

func cmdBackup(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	_, fs := dbFlag("mopscert backup", &cfg, stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if file == "" {
		return usageError{"use: mopscert backup FILE"}
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Backup(ctx, file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s\n", cfg.DB, file)
	return nil
}
