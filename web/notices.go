package web

import (
	"context"

	"github.com/mopscert/mopscert/mail"
)

// notice is one message shown on the candidate's dashboard: the same
// events the mail tells, worded here (English for now; the mail renderer
// words the messages themselves).
type notice struct {
	Message *mail.Message
	Text    string
	Link    string
}

// dashboardKinds are the notices worth showing again on the dashboard;
// links that sign in or reset are never shown.
var dashboardKinds = []string{mail.KindResultAvailable, mail.KindCertIssued, mail.KindCertRevoked,
	mail.KindCertExpiring, mail.KindCertReissued, mail.KindNameChangeDecided, mail.KindAttemptCancelled, mail.KindRetakeWaitWaived}

func noticeText(m *mail.Message) (string, string) {
	a := m.Args
	switch m.Kind {
	case mail.KindResultAvailable:
		return "Your " + a["tier_name"] + " result is ready: you " + a["outcome"] + " with " + a["score"] + " %.", a["path"]
	case mail.KindCertIssued:
		// The live status page, not the PDF: the certificate may have been
		// revoked or replaced since; the card above offers the PDF when valid.
		return "Your " + a["tier_name"] + " certificate " + a["cert_id"] + " is issued.", "/verify?id=" + a["cert_id"]
	case mail.KindCertRevoked:
		return "Your certificate " + a["cert_id"] + " was revoked (" + publicReason(a["reason"]) + ").", ""
	case mail.KindCertExpiring:
		return "Your " + a["tier_name"] + " certificate expires on " + a["expires"] + ".", a["path"]
	case mail.KindCertReissued:
		return "Your certificate " + a["old_id"] + " was reissued as " + a["cert_id"] + " under your corrected name.", "/verify?id=" + a["cert_id"]
	case mail.KindNameChangeDecided:
		return "Your name correction to “" + a["new_name"] + "” was " + a["status"] + ".", "/account"
	case mail.KindAttemptCancelled:
		return "An administrator cancelled your " + a["tier_name"] + " attempt; it does not count.", ""
	case mail.KindRetakeWaitWaived:
		return "You can retake the " + a["tier_name"] + " exam now.", ""
	}
	return "", ""
}

func (s *Server) dashboardNotices(ctx context.Context, userID string) ([]notice, error) {
	msgs, _, err := s.outbox.List(ctx, mail.Filter{UserID: userID, Kinds: dashboardKinds, Limit: 5})
	if err != nil {
		return nil, err
	}
	out := make([]notice, 0, len(msgs))
	for _, m := range msgs {
		if text, link := noticeText(m); text != "" {
			out = append(out, notice{Message: m, Text: text, Link: link})
		}
	}
	return out, nil
}
