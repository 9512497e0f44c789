// Package mailtest runs a real SMTP server (emersion/go-smtp) in the test
// process, on loopback, and keeps what it receives.
package mailtest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one message as the server got it.
type Received struct {
	From, To  string
	Header    mail.Header
	Subject   string
	MessageID string
	Text      string // the text/plain part
	HTML      string // the text/html part
	Raw       string
}

// Server is an SMTP server on 127.0.0.1.
type Server struct {
	srv  *smtp.Server
	addr string
	mu   sync.Mutex
	msgs []Received
	// Fail, when set, refuses DATA with a temporary error (to test retries).
	fail bool
}

// Start starts a server that stops when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.srv.MaxMessageBytes = 1 << 20
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtp listen: %v", err)
	}
	s.addr = l.Addr().String()
	go func() { _ = s.srv.Serve(l) }()
	tb.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// URL is the MOPSCERT_SMTP_URL of the server.
func (s *Server) URL() string { return "smtp://" + s.addr }

// SetFail makes DATA fail (true) or succeed (false).
func (s *Server) SetFail(v bool) { s.mu.Lock(); s.fail = v; s.mu.Unlock() }

// Messages returns what was received so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// To returns the messages received for one address.
func (s *Server) To(addr string) []Received {
	var out []Received
	for _, m := range s.Messages() {
		if strings.EqualFold(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

var linkRE = regexp.MustCompile(`https?://[^\s"<>]+`)

// Links returns the URLs in a message's plain text.
func (m Received) Links() []string { return linkRE.FindAllString(m.Text, -1) }

type session struct {
	s        *Server
	from, to string
}

func (x *session) Reset()        {}
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = to
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	fail := x.s.fail
	x.s.mu.Unlock()
	if fail {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	rec, err := parse(raw)
	if err != nil {
		return err
	}
	rec.From, rec.To = x.from, x.to
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, rec)
	x.s.mu.Unlock()
	return nil
}

func parse(raw []byte) (Received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, err
	}
	dec := new(mime.WordDecoder)
	subj, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	rec := Received{Header: msg.Header, Subject: subj, MessageID: msg.Header.Get("Message-Id"), Raw: string(raw)}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return Received{}, errors.New("mailtest: want a multipart message, got " + msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Received{}, err
		}
		body, err := io.ReadAll(decodePart(p))
		if err != nil {
			return Received{}, err
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			rec.Text = string(body)
		case "text/html":
			rec.HTML = string(body)
		}
	}
	return rec, nil
}
