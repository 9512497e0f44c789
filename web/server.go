// Package web is the HTTP face of mopscert: the JSON API of API.md, the
// server-rendered pages, and the middleware that guards both (sessions,
// CSRF, rate limits, security headers, body limits, timeouts).
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/cert"
	"github.com/mopscert/mopscert/mail"
)

// Config is what the web layer needs to know about its deployment.
type Config struct {
	BaseURL        string   // public URL, e.g. https://cert.example.org
	RateLimits     bool     // per-client limits on login, registration, verification
	TrustedProxies []string // CIDRs whose X-Forwarded-For is believed; empty: none
	// MaxConnsPerClient bounds open connections per client address (trusted
	// proxies exempt); 0 is DefaultMaxConnsPerClient, negative is no limit.
	MaxConnsPerClient int
	Version           string
}

// Server holds the handlers' dependencies. Handlers are its methods.
type Server struct {
	cfg      Config
	db       *db.DB
	accounts *account.Store
	bank     *bank.Store
	linter   *bank.Linter
	exams    *exam.Service
	certs    *cert.Service
	clock    clock.Clock
	log      *slog.Logger
	pages    *pages
	limits   *limiters
	secure   bool // base URL is https: Secure cookies and HSTS
	outbox   *mail.Outbox
	mailOn   bool           // an SMTP server is configured
	bg       sync.WaitGroup // work that runs after its request was answered

	echo    *echo.Echo
	http    *http.Server
	proxies []netip.Prefix // parsed TrustedProxies
}

// Deps are the domain services the server drives.
type Deps struct {
	DB       *db.DB
	Accounts *account.Store
	Bank     *bank.Store
	Linter   *bank.Linter
	Exams    *exam.Service
	Certs    *cert.Service
	Clock    clock.Clock
	Log      *slog.Logger
	Outbox   *mail.Outbox
	// MailEnabled: an SMTP server is configured (otherwise the outbox is
	// shown to admins at /admin/mail).
	MailEnabled bool
}

// New builds the server and its routes. Templates are parsed here, so a
// broken template stops the start instead of a request.
func New(cfg Config, d Deps) (*Server, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("base URL must be an absolute http(s) URL")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, db: d.DB, accounts: d.Accounts, bank: d.Bank, linter: d.Linter, exams: d.Exams, certs: d.Certs,
		clock: d.Clock, log: d.Log, pages: p, secure: u.Scheme == "https",
		limits: newLimiters(cfg.RateLimits, d.Clock, d.DB),
		outbox: d.Outbox, mailOn: d.MailEnabled,
	}
	if s.outbox == nil {
		s.outbox = mail.NewOutbox(d.DB, d.Clock)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	// Client IPs come from the socket unless a trusted proxy is configured:
	// a client cannot dodge rate limits with its own X-Forwarded-For.
	e.IPExtractor = echo.ExtractIPDirect()
	if len(cfg.TrustedProxies) > 0 {
		var opts []echo.TrustOption
		opts = append(opts, echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))
		for _, c := range cfg.TrustedProxies {
			_, n, err := net.ParseCIDR(c)
			if err != nil {
				return nil, errors.New("trusted proxy " + c + " is not a CIDR range")
			}
			opts = append(opts, echo.TrustIPRange(n))
			if p, err := netip.ParsePrefix(c); err == nil {
				s.proxies = append(s.proxies, p.Masked())
			}
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	}
	s.echo = e
	e.Pre(s.recordArrival)
	s.routes()
	s.http = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Handler is the server's http.Handler (for httptest).
func (s *Server) Handler() http.Handler { return s.echo }

// Serve accepts connections on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	max := s.cfg.MaxConnsPerClient
	if max == 0 {
		max = DefaultMaxConnsPerClient
	}
	err := s.http.Serve(newConnLimitListener(l, max, s.proxies))
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting and waits (up to ctx) for requests in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	s.limits.stop()
	err := s.http.Shutdown(ctx)
	s.bg.Wait()
	return err
}
