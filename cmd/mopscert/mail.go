package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/mopscert/mopscert/mail"
)

// mailSetup reads MOPSCERT_SMTP_URL and MOPSCERT_MAIL_FROM (environment
// only, like the other operator knobs without a flag) and builds the worker.
// Without an SMTP URL mail stays in the outbox for admins to read at
// /admin/mail, and e-mail verification is off, so a first install works
// with no mail server.
func (m *Main) mailSetup() error {
	m.outbox = mail.NewOutbox(m.db, m.Clock)
	raw := os.Getenv("MOPSCERT_SMTP_URL")
	if raw == "" {
		m.logger.Info("mail is off (no MOPSCERT_SMTP_URL): messages stay in the outbox at /admin/mail and e-mail verification is off")
		return nil
	}
	cfg, err := mail.ParseSMTPURL(raw)
	if err != nil {
		return fmt.Errorf("MOPSCERT_SMTP_URL: %w", err)
	}
	from := os.Getenv("MOPSCERT_MAIL_FROM")
	if from == "" {
		return fmt.Errorf("MOPSCERT_MAIL_FROM: set the sender address (e.g. \"MOps Certification <noreply@cert.example.org>\") when MOPSCERT_SMTP_URL is set")
	}
	r, err := mail.NewRenderer(m.Config.BaseURL)
	if err != nil {
		return err
	}
	m.mailer = &mail.Worker{Outbox: m.outbox, Renderer: r, Sender: mail.NewSMTPSender(cfg), From: from, Log: m.logger}
	m.accounts.VerifyEmails = true
	m.logger.Info("mail is on: e-mail verification required before a candidate's first exam", "smtp_host", cfg.Host, "smtp_port", cfg.Port)
	return nil
}

// mailEvery is how often the worker looks for due mail; the expiry notices
// run daily.
const (
	mailEvery   = 5 * time.Second
	noticeEvery = 24 * time.Hour
)

// startMail starts the mail worker (when mail is on) and the daily expiry
// notices (always: without SMTP they wait in the outbox and show on the
// dashboard).
func (m *Main) startMail(ctx context.Context) {
	if m.mailer != nil {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			m.mailer.Run(ctx, mailEvery)
		}()
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.exams.RunExpiryNotices(ctx, noticeEvery)
	}()
}
