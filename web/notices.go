package web

import (
	"context"

	"github.com/mopscert/mopscert/mail"
)

// notice is one message shown on the candidate's dashboard: the same
// events the mail tells, worded here in the reader's language (the mail
// renderer words the messages themselves).
type notice struct {
	Message *mail.Message
	Text    string
	Link    string
}

// dashboardKinds are the notices worth showing again on the dashboard;
// links that sign in or reset are never shown.
var dashboardKinds = []string{mail.KindResultAvailable, mail.KindCertIssued, mail.KindCertRevoked,
	mail.KindCertExpiring, mail.KindCertReissued, mail.KindNameChangeDecided, mail.KindAttemptCancelled, mail.KindRetakeWaitWaived}

// noticeText words a notice in the reader's language from its kind and
// arguments, with the page it links to.
func noticeText(lc *loc, m *mail.Message) (string, string) {
	a := m.Args
	switch m.Kind {
	case mail.KindResultAvailable:
		return lc.T("notice.result", "Tier", a["tier_name"], "Outcome", lc.T("outcome."+a["outcome"]), "Score", a["score"]), a["path"]
	case mail.KindCertIssued:
		// The live status page, not the PDF: the certificate may have been
		// revoked or replaced since; the card above offers the PDF when valid.
		return lc.T("notice.issued", "Tier", a["tier_name"], "ID", a["cert_id"]), "/verify?id=" + a["cert_id"]
	case mail.KindCertRevoked:
		return lc.T("notice.revoked", "ID", a["cert_id"], "Reason", lc.publicReason(a["reason"])), ""
	case mail.KindCertExpiring:
		return lc.T("notice.expiring", "Tier", a["tier_name"], "Date", a["expires"]), a["path"]
	case mail.KindCertReissued:
		return lc.T("notice.reissued", "Old", a["old_id"], "ID", a["cert_id"]), "/verify?id=" + a["cert_id"]
	case mail.KindNameChangeDecided:
		return lc.T("notice.name_change", "Name", a["new_name"], "Status", lc.T("notice.name_change."+a["status"])), "/account"
	case mail.KindAttemptCancelled:
		return lc.T("notice.cancelled", "Tier", a["tier_name"]), ""
	case mail.KindRetakeWaitWaived:
		return lc.T("notice.retake", "Tier", a["tier_name"]), ""
	}
	return "", ""
}

func (s *Server) dashboardNotices(ctx context.Context, lc *loc, userID string) ([]notice, error) {
	msgs, _, err := s.outbox.List(ctx, mail.Filter{UserID: userID, Kinds: dashboardKinds, Limit: 5})
	if err != nil {
		return nil, err
	}
	out := make([]notice, 0, len(msgs))
	for _, m := range msgs {
		if text, link := noticeText(lc, m); text != "" {
			out = append(out, notice{Message: m, Text: text, Link: link})
		}
	}
	return out, nil
}
