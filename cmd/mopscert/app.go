package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"sync"
	"time"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/bank"
	defaultbank "github.com/mopscert/mopscert/bank/default"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/cert"
	"github.com/mopscert/mopscert/exam/stats"
	"github.com/mopscert/mopscert/mail"
	"github.com/mopscert/mopscert/web"
)

// Main is the running program: Run starts it, Close stops it. End-to-end
// tests start a real Main on 127.0.0.1:0 against a temporary database.
type Main struct {
	Config Config
	Clock  clock.Clock
	// Listener, when set, is used instead of listening on Config.Addr
	// (tests listen first so the base URL can name the real port).
	Listener net.Listener

	stdout io.Writer
	logger *slog.Logger

	db       *db.DB
	accounts *account.Store
	bank     *bank.Store
	linter   *bank.Linter
	exams    *exam.Service
	certs    *cert.Service
	server   *web.Server
	ln       net.Listener
	outbox   *mail.Outbox
	mailer   *mail.Worker // nil when no SMTP server is configured

	stopSweep context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// NewMain returns a Main that logs to stderr.
func NewMain(cfg Config, stdout, stderr io.Writer) *Main {
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[cfg.LogLevel]
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(stderr, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(stderr, opts)
	}
	return &Main{Config: cfg, Clock: clock.System{}, stdout: stdout, logger: slog.New(h)}
}

// open opens the database and builds the domain services (no server).
func (m *Main) open(ctx context.Context) error {
	d, err := db.Open(ctx, m.Config.DB)
	if err != nil {
		return err
	}
	m.db = d
	m.accounts = account.NewStore(d, m.Clock)
	m.bank = bank.NewStore(d, m.Clock)
	m.linter = bank.NewLinter(nil)
	m.bank.ActivationCheck = m.linter.ActivationCheck
	// No key is made here: only serve and keys rotate create signing keys.
	m.certs, err = cert.Open(d, m.Clock, m.Config.BaseURL)
	if err == nil {
		m.certs.SetOrgName(m.Config.OrgName)
	}
	if err != nil {
		return fmt.Errorf("signing keys: %w", err)
	}
	m.exams = exam.NewService(d, m.Clock, m.bank, m.certs, exam.Config{Grace: m.Config.Grace, ChallengeDays: m.Config.ChallengeDays,
		Stats: exam.StatsConfig{Thresholds: stats.Thresholds{MinN: m.Config.StatsMinN}}})
	return nil
}

// Run opens everything, seeds a new database and starts serving. It returns
// once the server listens; Close stops it.
func (m *Main) Run(ctx context.Context) error {
	if err := m.open(ctx); err != nil {
		return err
	}
	if err := m.mailSetup(); err != nil {
		return err
	}
	// Another process starting on the same file waits here and then finds
	// each step done.
	err := m.db.WithStartupLock(ctx, func() error {
		if err := m.seed(ctx); err != nil {
			return err
		}
		return m.certs.EnsureKey(ctx)
	})
	if err != nil {
		return err
	}
	m.warnBaseURL()
	// An import that died with its process left staged rows nobody reads;
	// remove them now rather than at the next import.
	if err := m.bank.CleanImports(ctx); err != nil {
		m.logger.WarnContext(ctx, "cleaning up abandoned imports", "err", err)
	}
	srv, err := web.New(web.Config{
		BaseURL: m.Config.BaseURL, RateLimits: m.Config.RateLimits, TrustedProxies: m.Config.TrustedProxies, Version: version,
		MaxConnsPerClient: m.Config.MaxConnsPerClient,
	}, web.Deps{DB: m.db, Accounts: m.accounts, Bank: m.bank, Linter: m.linter, Exams: m.exams, Certs: m.certs, Clock: m.Clock, Log: m.logger,
		Outbox: m.outbox, MailEnabled: m.mailer != nil})
	if err != nil {
		return err
	}
	m.server = srv
	ln := m.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", m.Config.Addr); err != nil {
			return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
		}
	}
	m.ln = ln
	sweepCtx, cancel := context.WithCancel(context.Background())
	m.stopSweep = cancel
	m.wg.Add(3)
	go func() {
		defer m.wg.Done()
		m.exams.RunSweeper(sweepCtx, m.Config.SweepEvery)
	}()
	m.startMail(sweepCtx)
	go func() {
		defer m.wg.Done()
		m.exams.RunStatsLoop(sweepCtx, time.Minute)
	}()
	go func() {
		defer m.wg.Done()
		if err := srv.Serve(ln); err != nil {
			m.logger.Error("server stopped", "err", err)
		}
	}()
	if m.Config.PprofAddr != "" {
		m.startPprof(m.Config.PprofAddr)
	}
	m.logger.Info("mopscert listening", "addr", ln.Addr().String(), "base_url", m.Config.BaseURL, "db", m.Config.DB, "version", version)
	return nil
}

// warnBaseURL logs when the listen port was changed but the public URL was
// left at its default: links and QR codes would then name the wrong port.
func (m *Main) warnBaseURL() {
	def := DefaultConfig()
	if m.Config.BaseURL != def.BaseURL || m.Config.Addr == def.Addr {
		return
	}
	_, port, err := net.SplitHostPort(m.Config.Addr)
	if err != nil || port == "8080" {
		return
	}
	m.logger.Warn("MOPSCERT_ADDR changed but MOPSCERT_BASE_URL is the default: certificate links and QR codes will point at the wrong port; set MOPSCERT_BASE_URL",
		"MOPSCERT_ADDR", m.Config.Addr, "MOPSCERT_BASE_URL", m.Config.BaseURL)
}

// seed gives a new database what it needs: the first admin, the default
// tiers and, when the bank is empty, the shipped items.
func (m *Main) seed(ctx context.Context) error {
	u, generated, err := m.accounts.EnsureAdmin(ctx, m.Config.AdminEmail, m.Config.AdminName, m.Config.AdminPassword)
	if err != nil {
		return err
	}
	if u != nil {
		if generated != "" {
			fmt.Fprintf(m.stdout, "Created the first admin %s with password %s\nThis password is shown once: sign in and keep it safe.\n", u.Email, generated)
		} else {
			m.logger.Info("created the first admin", "email", u.Email)
		}
	}
	if err := m.exams.EnsureDefaultTiers(ctx); err != nil {
		return fmt.Errorf("default tiers: %w", err)
	}
	if !m.Config.DefaultBank {
		return nil
	}
	empty, err := m.bank.Empty(ctx)
	if err != nil || !empty {
		return err
	}
	res, err := defaultbank.Load(ctx, m.bank)
	if err != nil {
		return fmt.Errorf("load the default bank: %w", err)
	}
	m.logger.Info("loaded the default bank", "items", res.Imported)
	return nil
}

// URL is where the server listens, e.g. http://127.0.0.1:41234.
func (m *Main) URL() string {
	addr := m.ln.Addr().String()
	if strings.HasPrefix(addr, "[::]:") || strings.HasPrefix(addr, "0.0.0.0:") {
		addr = "127.0.0.1:" + addr[strings.LastIndexByte(addr, ':')+1:]
	}
	return "http://" + addr
}

// Close stops accepting requests, lets those in flight finish (bounded),
// stops the sweeper and closes the database cleanly.
func (m *Main) Close() error {
	var err error
	m.closeOnce.Do(func() { err = m.close() })
	return err
}

func (m *Main) close() error {
	var errs []error
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, m.server.Shutdown(ctx))
		cancel()
	}
	if m.stopSweep != nil {
		m.stopSweep()
	}
	m.wg.Wait()
	if m.db != nil {
		errs = append(errs, m.db.Close())
	}
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// startPprof serves Go's profiler on a separate address (loopback only),
// for measuring the server under load. Off unless MOPSCERT_PPROF_ADDR is set.
func (m *Main) startPprof(addr string) {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		m.logger.Warn("MOPSCERT_PPROF_ADDR must be a loopback address; profiler not started", "addr", addr)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go func() { _ = http.ListenAndServe(addr, mux) }() //nolint:gosec // loopback diagnostics only
}
