package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server reads from flags and MOPSCERT_* variables.
// Flags win over the environment, which wins over the defaults.
type Config struct {
	Addr           string
	DB             string
	BaseURL        string
	OrgName        string // the issuer's name in Open Badges and LinkedIn links
	AdminEmail     string
	AdminPassword  string
	AdminName      string
	DefaultBank    bool
	RateLimits     bool
	TrustedProxies []string
	LogFormat      string // text or json
	LogLevel       string
	SweepEvery     time.Duration
	Grace          time.Duration
	// StatsMinN is the minimum responses before item statistics show
	// figures and raise flags (MOPSCERT_STATS_MIN_N).
	StatsMinN int
	PprofAddr string // loopback address for Go's profiler; empty: off
	// MaxConnsPerClient bounds open connections per client address
	// (MOPSCERT_MAX_CONNS_PER_CLIENT; 0: the default, -1: no limit).
	MaxConnsPerClient int
}

// DefaultConfig is what a fresh clone runs with.
func DefaultConfig() Config {
	return Config{
		Addr: ":8080", DB: "mopscert.db", BaseURL: "http://localhost:8080",
		DefaultBank: true, RateLimits: true, LogFormat: "text", LogLevel: "info",
		SweepEvery: time.Second, Grace: 5 * time.Second, StatsMinN: 30,
	}
}

// errUsage marks errors in how the command was called (exit status 2).
var errUsage = errors.New("usage")

type usageError struct{ msg string }

func (e usageError) Error() string   { return e.msg }
func (e usageError) Is(t error) bool { return t == errUsage }

// parseEnv reads MOPSCERT_* variables over the defaults.
func parseEnv(c *Config, getenv func(string) string) error {
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	boolean := func(name string, dst *bool) error {
		v := getenv(name)
		if v == "" {
			return nil
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return usageError{fmt.Sprintf("%s=%q: use 1 or 0", name, v)}
		}
		*dst = b
		return nil
	}
	str("MOPSCERT_ADDR", &c.Addr)
	str("MOPSCERT_DB", &c.DB)
	str("MOPSCERT_BASE_URL", &c.BaseURL)
	str("MOPSCERT_ORG_NAME", &c.OrgName)
	str("MOPSCERT_ADMIN_EMAIL", &c.AdminEmail)
	str("MOPSCERT_ADMIN_PASSWORD", &c.AdminPassword)
	str("MOPSCERT_ADMIN_NAME", &c.AdminName)
	str("MOPSCERT_LOG_FORMAT", &c.LogFormat)
	str("MOPSCERT_LOG_LEVEL", &c.LogLevel)
	str("MOPSCERT_PPROF_ADDR", &c.PprofAddr)
	if v := getenv("MOPSCERT_TRUSTED_PROXIES"); v != "" {
		c.TrustedProxies = splitList(v)
	}
	if err := boolean("MOPSCERT_DEFAULT_BANK", &c.DefaultBank); err != nil {
		return err
	}
	if v := getenv("MOPSCERT_STATS_MIN_N"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 {
			return usageError{fmt.Sprintf("MOPSCERT_STATS_MIN_N=%q: use a whole number, 2 or more", v)}
		}
		c.StatsMinN = n
	}
	if v := getenv("MOPSCERT_MAX_CONNS_PER_CLIENT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < -1 {
			return usageError{fmt.Sprintf("MOPSCERT_MAX_CONNS_PER_CLIENT=%q: use a whole number (-1 for no limit)", v)}
		}
		c.MaxConnsPerClient = n
	}
	return boolean("MOPSCERT_RATE_LIMITS", &c.RateLimits)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// serveFlags registers the server's flags on fs, bound to c.
func serveFlags(fs *flag.FlagSet, c *Config) *string {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (MOPSCERT_ADDR)")
	fs.StringVar(&c.DB, "db", c.DB, "SQLite database file (MOPSCERT_DB)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public URL used in tokens and links (MOPSCERT_BASE_URL)")
	fs.StringVar(&c.OrgName, "org-name", c.OrgName, "issuer name in Open Badges and LinkedIn links (MOPSCERT_ORG_NAME; default mopscert)")
	fs.BoolVar(&c.DefaultBank, "default-bank", c.DefaultBank, "load the shipped items into an empty bank (MOPSCERT_DEFAULT_BANK)")
	fs.BoolVar(&c.RateLimits, "rate-limits", c.RateLimits, "per-client limits on login, registration, verification (MOPSCERT_RATE_LIMITS)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (MOPSCERT_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (MOPSCERT_LOG_LEVEL)")
	fs.DurationVar(&c.SweepEvery, "sweep-every", c.SweepEvery, "how often expired attempts are auto-submitted")
	fs.DurationVar(&c.Grace, "grace", c.Grace, "grace after the deadline that absorbs network delay")
	fs.StringVar(&c.PprofAddr, "pprof-addr", c.PprofAddr, "loopback address serving Go's profiler, e.g. 127.0.0.1:6060 (MOPSCERT_PPROF_ADDR)")
	proxies := fs.String("trusted-proxies", strings.Join(c.TrustedProxies, ","), "comma-separated CIDRs whose X-Forwarded-For is trusted (MOPSCERT_TRUSTED_PROXIES)")
	return proxies
}

// newFlagSet returns a flag set that reports errors as usage errors instead
// of exiting, and prints its -h listing to w.
func newFlagSet(name string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	// Errors are reported in one line by run; the flag list only on -h,
	// which the flag package shows through Usage.
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args into fs's variables. -h prints the flag list and
// returns flag.ErrHelp, which run turns into exit status 0.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseOnly(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// parseOnly parses args, printing the flag list on -h, and leaves the
// arguments after the flags to the caller.
func parseOnly(fs *flag.FlagSet, args []string) error {
	w := fs.Output()
	fs.SetOutput(io.Discard) // the flag package's own one-line error is run's to print
	err := fs.Parse(args)
	fs.SetOutput(w)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(w, "Usage of %s:\n", fs.Name())
		fs.PrintDefaults()
		return err
	}
	if err != nil {
		return usageError{err.Error()}
	}
	return nil
}

// Validate checks values that flags and variables cannot check alone.
func (c *Config) Validate() error {
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Sprintf("base URL %q must be an absolute http:// or https:// URL", c.BaseURL)}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.DB == "" {
		return usageError{"database path is empty"}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return usageError{fmt.Sprintf("log format %q: use text or json", c.LogFormat)}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return usageError{fmt.Sprintf("log level %q: use debug, info, warn or error", c.LogLevel)}
	}
	if c.SweepEvery <= 0 || c.Grace < 0 {
		return usageError{"sweep interval must be positive and grace not negative"}
	}
	return nil
}
