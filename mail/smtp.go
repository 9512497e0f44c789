package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Envelope is one rendered message to hand to a Sender.
type Envelope struct {
	From      string
	To        string
	MessageID string // without angle brackets
	Rendered
}

// Sender delivers one message. The SMTP sender is the real one; tests may
// wrap it to simulate a crash.
type Sender interface {
	Send(ctx context.Context, e Envelope) error
}

// SMTPConfig is a parsed MOPSCERT_SMTP_URL.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	SSL      bool // smtps://: TLS from the first byte
	StartTLS bool // ?starttls=1: STARTTLS required
	// InsecureSkipVerify is for tests against a local server only
	// (?insecure_skip_verify=1); never set it in production.
	InsecureSkipVerify bool
}

// ParseSMTPURL reads smtp://user:pass@host:port, smtps://… and ?starttls=1.
// Without starttls=1 a plain smtp:// server is used as it is: STARTTLS
// when it offers it, plain otherwise (a local relay).
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, fmt.Errorf("SMTP URL: %w", err)
	}
	var c SMTPConfig
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.SSL, c.Port = true, 465
	default:
		return SMTPConfig{}, errors.New("SMTP URL: the scheme must be smtp:// or smtps://")
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return SMTPConfig{}, errors.New("SMTP URL: no host")
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port <= 0 || c.Port > 65535 {
			return SMTPConfig{}, fmt.Errorf("SMTP URL: port %q is not a port number", p)
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q := u.Query()
	c.StartTLS = q.Get("starttls") == "1" || q.Get("starttls") == "true"
	c.InsecureSkipVerify = q.Get("insecure_skip_verify") == "1"
	if c.SSL && c.StartTLS {
		return SMTPConfig{}, errors.New("SMTP URL: smtps:// is already encrypted; drop starttls=1")
	}
	return c, nil
}

// SMTPSender sends through one SMTP server with go-mail, a connection per
// message (mail is rare here; a pooled connection would only go stale).
type SMTPSender struct {
	cfg SMTPConfig
}

// NewSMTPSender returns a sender for cfg.
func NewSMTPSender(cfg SMTPConfig) *SMTPSender { return &SMTPSender{cfg: cfg} }

// Send delivers e as multipart/alternative (plain text, then HTML).
func (s *SMTPSender) Send(ctx context.Context, e Envelope) error {
	m := gomail.NewMsg()
	if err := m.From(e.From); err != nil {
		return fmt.Errorf("from %q: %w", e.From, err)
	}
	if err := m.To(e.To); err != nil {
		return fmt.Errorf("to %q: %w", e.To, err)
	}
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(e.MessageID)
	m.SetDate()
	m.SetBulk()
	m.SetBodyString(gomail.TypeTextPlain, e.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, e.HTML)

	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(30 * time.Second)}
	switch {
	case s.cfg.SSL:
		opts = append(opts, gomail.WithSSL())
	case s.cfg.StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.cfg.InsecureSkipVerify {
		opts = append(opts, gomail.WithTLSConfig(&tls.Config{InsecureSkipVerify: true, ServerName: s.cfg.Host})) //nolint:gosec // tests only, by explicit URL flag
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("send via %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

// domainOf returns the domain of an address, for Message-IDs.
func domainOf(addr string) string {
	if a, err := mail.ParseAddress(addr); err == nil {
		addr = a.Address
	}
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "mopscert.invalid"
}
