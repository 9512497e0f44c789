package exam

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam/cert"
)

// Regrade actions.
const (
	RegradeVoid      = "void"       // the item drops out of every total
	RegradeRekey     = "rekey"      // a new key for the same options
	RegradeCreditAll = "credit_all" // everyone who saw it gets full credit
)

// RegradeRequest asks for a regrade of one item.
type RegradeRequest struct {
	ItemID       string `json:"item_id"`
	Action       string `json:"action"`
	Correct      []int  `json:"correct"` // authored option indexes (rekey)
	Reason       string `json:"reason"`
	DryRun       bool   `json:"dry_run"`
	AllowAdverse bool   `json:"allow_adverse"`
}

// RegradeChange is what a regrade does to one attempt whose score changes.
type RegradeChange struct {
	AttemptID  string  `json:"attempt_id"`
	UserID     string  `json:"user_id"`
	OldPercent float64 `json:"old_percent"`
	NewPercent float64 `json:"new_percent"`
	OldOutcome Outcome `json:"old_outcome"`
	NewOutcome Outcome `json:"new_outcome"` // the outcome that stands
	// KeptPass: the new score fails, allow_adverse was off, so the pass
	// and its certificate stand.
	KeptPass           bool   `json:"kept_pass"`
	CertificateIssued  string `json:"certificate_issued,omitempty"`
	CertificateRevoked string `json:"certificate_revoked,omitempty"`
	// CertificateRefused: the attempt passes again but its certificate was
	// revoked by an earlier regrade; a revoked certificate is never handed
	// back, and no second one is issued for the same attempt.
	CertificateRefused string `json:"certificate_refused,omitempty"`
}

// Regrade is the record of a regrade, or the plan of a dry run.
type Regrade struct {
	ID                  string          `json:"id"` // empty for a dry run
	DryRun              bool            `json:"dry_run"`
	ItemID              string          `json:"item_id"`
	Action              string          `json:"action"`
	Correct             []int           `json:"correct,omitempty"`
	NewVersion          int             `json:"new_version,omitempty"` // the version a rekey wrote
	Reason              string          `json:"reason"`
	AllowAdverse        bool            `json:"allow_adverse"`
	Actor               string          `json:"actor"`
	At                  time.Time       `json:"at"`
	AffectedAttempts    int             `json:"affected_attempts"`
	Changes             []RegradeChange `json:"changes"`
	CertificatesIssued  []string        `json:"certificates_issued"`
	CertificatesRevoked []string        `json:"certificates_revoked"`
}

// RegradeNote is what a candidate is told about a regrade of their attempt.
// The admin's reason stays internal: it may quote the key.
type RegradeNote struct {
	At         time.Time `json:"at"`
	Action     string    `json:"action"`
	OldPercent float64   `json:"old_percent"`
	NewPercent float64   `json:"new_percent"`
	OldOutcome Outcome   `json:"old_outcome"`
	NewOutcome Outcome   `json:"new_outcome"`
	KeptPass   bool      `json:"kept_pass"`
}

// ItemRegrader is the bank side of a regrade, inside the exam's write
// transaction. *bank.Store satisfies it.
type ItemRegrader interface {
	FindItemTx(ctx context.Context, tx *sql.Tx, id string) (*bank.Item, error)
	VoidTx(ctx context.Context, tx *sql.Tx, id, actor string) error
	RekeyTx(ctx context.Context, tx *sql.Tx, id string, correct []int, actor string) (old, next *bank.Item, err error)
}

// certRevoker revokes inside the caller's transaction. *cert.Service
// satisfies it.
type certRevoker interface {
	RevokeTxWith(ctx context.Context, tx *sql.Tx, id string, r cert.Revocation, actor string) error
}

// ErrRegradeUnsupported: the item source cannot change items.
var ErrRegradeUnsupported = apperr.New(apperr.Unavailable, "regrade_unavailable", "Regrading is not available on this server.")

// adjustment is an applied rekey, credit-all or void, replayed whenever an
// attempt that showed the item is graded, so later regrades and late
// submits agree with earlier ones.
type adjustment struct {
	ItemID  string
	Action  string
	Correct []int
	Options []string // option texts a rekey applies to
}

func (r *RegradeRequest) validate() error {
	f := apperr.FieldMsgs{}
	r.ItemID, r.Reason = strings.TrimSpace(r.ItemID), strings.TrimSpace(r.Reason)
	if r.ItemID == "" {
		f["item_id"] = codeRegradeItem.Msg("Name the item to regrade.")
	}
	switch r.Action {
	case RegradeVoid, RegradeCreditAll:
		if len(r.Correct) > 0 {
			f["correct"] = codeRegradeCorrectOnly.Msg("Only a rekey takes correct options.")
		}
	case RegradeRekey:
		if len(r.Correct) == 0 {
			f["correct"] = codeRegradeCorrectNeed.Msg("A rekey needs the authored indexes of the correct options.")
		}
	default:
		f["action"] = codeRegradeAction.Msg("Use void, rekey or credit_all.")
	}
	if r.Reason == "" || utf8.RuneCountInString(r.Reason) > 2000 {
		f["reason"] = codeRegradeReason.Msg("Give the reason (at most 2,000 characters); it is kept in the audit record.")
	}
	if len(f) > 0 {
		return f.Err()
	}
	r.Correct = slices.Compact(slices.Sorted(slices.Values(r.Correct)))
	return nil
}

// hash identifies a request for idempotence: the same item, action, key,
// policy and reason apply once, whoever sends them and however often.
func (r *RegradeRequest) hash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%v\x00%t\x00%s", r.ItemID, r.Action, r.Correct, r.AllowAdverse, r.Reason)
	return hex.EncodeToString(h.Sum(nil))
}

// Regrade applies (or with DryRun, plans) a regrade of one item over every
// graded attempt that showed it, in one write transaction: the item change,
// results and per-question scores, certificates issued to new passes and —
// only with AllowAdverse — revoked from new fails, and the audit record.
// Repeating an applied request returns the stored record.
func (s *Service) Regrade(ctx context.Context, req RegradeRequest, actor string) (*Regrade, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	rg, ok := s.items.(ItemRegrader)
	if !ok {
		return nil, ErrRegradeUnsupported
	}
	hash := req.hash()
	if !req.DryRun {
		if r, err := s.regradeByHash(ctx, hash); err != nil || r != nil {
			return r, err
		}
	}
	items, err := s.regradeItems(ctx, req.ItemID)
	if err != nil {
		return nil, err
	}
	var out *Regrade
	run := func(tx *sql.Tx) error {
		var err error
		out, err = s.regradeTx(ctx, tx, rg, req, hash, actor, items)
		return err
	}
	if req.DryRun {
		err = s.db.View(ctx, run)
	} else {
		err = s.db.Update(ctx, run)
	}
	if isUniqueViolation(err, "regrades.request_hash") {
		return s.regradeByHash(ctx, hash) // lost a race the writer lock did not settle
	}
	return out, err
}

// regradeItems loads every item version shown by a graded attempt that
// showed itemID, before the write transaction (versions are immutable).
func (s *Service) regradeItems(ctx context.Context, itemID string) (map[bank.Ref]*bank.Item, error) {
	var refs []bank.Ref
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT q.item_id, q.item_version FROM attempt_questions q
			WHERE q.attempt_id IN (SELECT a.id FROM attempts a JOIN attempt_questions x ON x.attempt_id = a.id
				WHERE x.item_id = ? AND a.outcome IS NOT NULL)`, itemID)
		if err != nil {
			return fmt.Errorf("regrade %s: list items: %w", itemID, err)
		}
		defer rows.Close()
		for rows.Next() {
			var r bank.Ref
			if err := rows.Scan(&r.ID, &r.Version); err != nil {
				return err
			}
			refs = append(refs, r)
		}
		return rows.Err()
	})
	if err != nil || len(refs) == 0 {
		return map[bank.Ref]*bank.Item{}, err
	}
	return s.items.ItemVersions(ctx, refs)
}

func (s *Service) regradeTx(ctx context.Context, tx *sql.Tx, rg ItemRegrader, req RegradeRequest, hash, actor string,
	items map[bank.Ref]*bank.Item) (*Regrade, error) {
	if !req.DryRun {
		if r, err := findRegrade(ctx, tx, `request_hash = ?`, hash); err != nil || r != nil {
			return r, err
		}
	}
	cur, err := rg.FindItemTx(ctx, tx, req.ItemID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := &Regrade{DryRun: req.DryRun, ItemID: req.ItemID, Action: req.Action, Correct: req.Correct,
		Reason: req.Reason, AllowAdverse: req.AllowAdverse, Actor: actor, At: now,
		Changes: []RegradeChange{}, CertificatesIssued: []string{}, CertificatesRevoked: []string{}}
	adj := adjustment{ItemID: req.ItemID, Action: req.Action, Correct: req.Correct, Options: optionTexts(cur)}
	switch {
	case req.Action == RegradeRekey && req.DryRun:
		if err := checkRekey(cur, req.Correct); err != nil {
			return nil, err
		}
	case req.Action == RegradeRekey:
		_, next, err := rg.RekeyTx(ctx, tx, req.ItemID, req.Correct, actor)
		if err != nil {
			return nil, err
		}
		out.NewVersion = next.Version
	case req.Action == RegradeVoid && !req.DryRun:
		if err := rg.VoidTx(ctx, tx, req.ItemID, actor); err != nil {
			return nil, err
		}
	case req.Action == RegradeCreditAll && cur.Status == bank.Void:
		return nil, apperr.New(apperr.Conflict, "item_void", "A void item is out of every total; it cannot be credited.")
	}
	var id int64
	if !req.DryRun {
		correct, _ := json.Marshal(req.Correct)
		opts, _ := json.Marshal(adj.Options)
		err := tx.QueryRowContext(ctx, `INSERT INTO regrades (actor, reason, at, attempts, changed, detail, item_id, action,
			correct, allow_adverse, request_hash, new_version, options) VALUES (?, ?, ?, 0, 0, '', ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`,
			actor, req.Reason, now, req.ItemID, req.Action, string(correct), req.AllowAdverse, hash,
			sql.NullInt64{Int64: int64(out.NewVersion), Valid: out.NewVersion > 0}, string(opts)).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("record regrade: %w", err)
		}
		out.ID = strconv.FormatInt(id, 10)
	}
	adjs, err := findAdjustments(ctx, tx, []string{req.ItemID})
	if err != nil {
		return nil, err
	}
	if req.DryRun {
		adjs = append(adjs, adj) // applied ones are already stored
	}
	attempts, err := affectedAttempts(ctx, tx, req.ItemID)
	if err != nil {
		return nil, err
	}
	out.AffectedAttempts = len(attempts)
	for _, a := range attempts {
		ch, err := s.regradeAttempt(ctx, tx, a, items, adjs, out, id)
		if err != nil {
			return nil, err
		}
		if ch != nil {
			out.Changes = append(out.Changes, *ch)
		}
	}
	if req.DryRun {
		return out, nil
	}
	detail, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encode regrade: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE regrades SET attempts = ?, changed = ?, detail = ? WHERE id = ?`,
		out.AffectedAttempts, len(out.Changes), string(detail), id); err != nil {
		return nil, fmt.Errorf("record regrade: %w", err)
	}
	return out, nil
}

// checkRekey is RekeyTx's validation without the write, for dry runs.
func checkRekey(cur *bank.Item, correct []int) error {
	if cur.Status == bank.Void {
		return apperr.New(apperr.Conflict, "item_void", "A void item cannot be re-keyed.")
	}
	for _, c := range correct {
		if c < 0 || c >= len(cur.Options) {
			return bank.RekeyRangeError(len(cur.Options) - 1)
		}
	}
	if slices.Equal(correct, cur.Correct()) {
		return bank.RekeyUnchangedError()
	}
	n := *cur
	n.Options = slices.Clone(cur.Options)
	for i := range n.Options {
		n.Options[i].Correct = slices.Contains(correct, i)
	}
	return n.Validate()
}

// regradeAttempt regrades one attempt with the stored adjustments (plus the
// planned one on a dry run), applies the policy and, unless dry, writes the
// result, the certificate change and the per-attempt audit row. It returns
// nil when the score does not change.
func (s *Service) regradeAttempt(ctx context.Context, tx *sql.Tx, a *attemptRow, items map[bank.Ref]*bank.Item,
	adjs []adjustment, out *Regrade, regradeID int64) (*RegradeChange, error) {
	qs, err := findQuestions(ctx, tx, a.ID)
	if err != nil {
		return nil, err
	}
	answers, err := findAnswers(ctx, tx, a.ID)
	if err != nil {
		return nil, err
	}
	g := gradeForm(qs, items, answers, a.Language, a.PartialCredit, a.PassPercent)
	g = applyAdjustments(g, qs, items, answers, a, adjs)
	if g.ScorePercent == a.Score && g.Outcome == a.Outcome && g.Correct == a.Correct && g.Total == int(a.Total) {
		return nil, nil
	}
	ch := &RegradeChange{AttemptID: a.ID, UserID: a.UserID, OldPercent: a.Score, NewPercent: g.ScorePercent,
		OldOutcome: a.Outcome, NewOutcome: g.Outcome}
	credID := a.CredentialID
	var live *cert.Credential
	if credID != "" && s.certs != nil {
		c, err := s.certs.FindTx(ctx, tx, credID)
		if err != nil {
			return nil, fmt.Errorf("regrade %s certificate: %w", a.ID, err)
		}
		live = &c
	}
	switch {
	case a.Outcome == OutcomePassed && g.Outcome == OutcomeFailed && !out.AllowAdverse:
		ch.KeptPass, ch.NewOutcome, g.Outcome = true, OutcomePassed, OutcomePassed
	case a.Outcome == OutcomePassed && g.Outcome == OutcomeFailed:
		if live != nil && live.RevokedAt == nil {
			ch.CertificateRevoked = live.ID
			out.CertificatesRevoked = append(out.CertificatesRevoked, live.ID)
		}
	case g.Outcome == OutcomePassed && a.Outcome != OutcomePassed && s.certs != nil:
		switch {
		case live != nil && live.RevokedAt != nil:
			ch.CertificateRefused = live.ID
		case live != nil:
			// still valid (a pass kept earlier): nothing to issue
		case out.DryRun:
			out.CertificatesIssued = append(out.CertificatesIssued, a.ID)
		default:
			t, err := findTier(ctx, tx, a.Tier)
			if err != nil {
				return nil, err
			}
			c, err := s.certs.IssueTx(ctx, tx, cert.IssueRequest{
				AttemptID: a.ID, UserID: a.UserID, HolderName: a.HolderName,
				Tier: t.Code, TierName: t.Name, ValidFor: time.Duration(t.ValidityDays) * 24 * time.Hour,
			})
			if err != nil {
				return nil, fmt.Errorf("issue certificate for %s: %w", a.ID, err)
			}
			credID, ch.CertificateIssued = c.ID, c.ID
			out.CertificatesIssued = append(out.CertificatesIssued, c.ID)
			s.noticeRegradeCertificate(ctx, tx, a, c)
		}
	}
	if out.DryRun {
		return ch, nil
	}
	if ch.CertificateRevoked != "" {
		rv, ok := s.certs.(certRevoker)
		if !ok {
			return nil, ErrRegradeUnsupported
		}
		if err := rv.RevokeTxWith(ctx, tx, ch.CertificateRevoked, cert.Revocation{PublicReason: cert.ReasonRegrade,
			Note: "regrade " + out.ID + ": " + truncateRunes(out.Reason, 400)}, out.Actor); err != nil {
			return nil, fmt.Errorf("revoke certificate of %s: %w", a.ID, err)
		}
	}
	domains, err := json.Marshal(g.Domains)
	if err != nil {
		return nil, fmt.Errorf("encode domains: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE attempts SET outcome = ?, correct = ?, total = ?, score_percent = ?,
		domains = ?, credential_id = nullif(?, '') WHERE id = ?`,
		g.Outcome, g.Correct, g.Total, g.ScorePercent, string(domains), credID, a.ID); err != nil {
		return nil, fmt.Errorf("regrade %s: %w", a.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE attempt_questions SET score = NULL WHERE attempt_id = ?`, a.ID); err != nil {
		return nil, fmt.Errorf("regrade %s: %w", a.ID, err)
	}
	if err := recordScores(ctx, tx, a.ID, g.Scores); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO regrade_attempts (regrade_id, attempt_id, old_percent, new_percent,
		old_outcome, new_outcome, kept_pass, certificate_issued, certificate_revoked, certificate_refused)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, regradeID, a.ID, ch.OldPercent, ch.NewPercent, ch.OldOutcome,
		ch.NewOutcome, ch.KeptPass, ch.CertificateIssued, ch.CertificateRevoked, ch.CertificateRefused); err != nil {
		return nil, fmt.Errorf("regrade %s: audit row: %w", a.ID, err)
	}
	return ch, nil
}

// noticeRegradeCertificate is the hook for telling a candidate that a
// regrade earned them a certificate. There is no notices/outbox table on
// this branch yet; when there is, write its row here, in this transaction.
func (s *Service) noticeRegradeCertificate(context.Context, *sql.Tx, *attemptRow, cert.Credential) {}

// applyAdjustments replays applied regrades over a grade: void drops the
// item, credit_all gives full credit, rekey grades with the new key when
// the version shown has the options the rekey was made for. The totals are
// then recomputed from the per-question scores.
func applyAdjustments(g grade, qs []questionRow, items map[bank.Ref]*bank.Item, answers map[string]Answer,
	a *attemptRow, adjs []adjustment) grade {
	if len(adjs) == 0 {
		return g
	}
	scores := maps(g.Scores)
	for _, adj := range adjs {
		for _, q := range qs {
			it := items[q.Ref]
			if q.Ref.ID != adj.ItemID || it == nil {
				continue
			}
			switch adj.Action {
			case RegradeVoid:
				delete(scores, q.ID)
			case RegradeCreditAll:
				if _, scored := scores[q.ID]; scored {
					scores[q.ID] = 1
				}
			case RegradeRekey:
				if _, scored := scores[q.ID]; !scored || !slices.Equal(optionTexts(it), adj.Options) {
					continue
				}
				rk := *it
				rk.Options = slices.Clone(it.Options)
				for i := range rk.Options {
					rk.Options[i].Correct = slices.Contains(adj.Correct, i)
				}
				one := gradeForm([]questionRow{q}, map[bank.Ref]*bank.Item{q.Ref: &rk}, answers, a.Language, a.PartialCredit, a.PassPercent)
				scores[q.ID] = one.Scores[q.ID]
			}
		}
	}
	return gradeFromScores(qs, scores, a.PassPercent)
}

func maps(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// floorTenth truncates a percentage to one decimal as gradeForm does.
func floorTenth(pct float64) float64 {
	v := pct*10 + 1e-6
	return float64(int64(v)) / 10
}

func optionTexts(it *bank.Item) []string {
	out := make([]string, len(it.Options))
	for i, o := range it.Options {
		out[i] = o.Text
	}
	return out
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// adjustGrade replays applied regrades of the form's items over a fresh
// grade, so an attempt submitted after a rekey or credit-all is graded as
// the regraded ones were.
func (s *Service) adjustGrade(ctx context.Context, tx *sql.Tx, a *attemptRow, qs []questionRow,
	items map[bank.Ref]*bank.Item, answers map[string]Answer, g grade) (grade, error) {
	ids := make([]string, 0, len(qs))
	for _, q := range qs {
		ids = append(ids, q.Ref.ID)
	}
	adjs, err := findAdjustments(ctx, tx, ids)
	if err != nil || len(adjs) == 0 {
		return g, err
	}
	return applyAdjustments(g, qs, items, answers, a, adjs), nil
}

// findAdjustments lists the applied regrades of the items, oldest first.
func findAdjustments(ctx context.Context, tx *sql.Tx, itemIDs []string) ([]adjustment, error) {
	if len(itemIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(itemIDs))
	for i, id := range itemIDs {
		args[i] = id
	}
	rows, err := tx.QueryContext(ctx, `SELECT item_id, action, correct, options FROM regrades
		WHERE item_id IN (?`+strings.Repeat(", ?", len(itemIDs)-1)+`) AND action != '' ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("load regrades: %w", err)
	}
	defer rows.Close()
	var out []adjustment
	for rows.Next() {
		var a adjustment
		var correct, opts string
		if err := rows.Scan(&a.ItemID, &a.Action, &correct, &opts); err != nil {
			return nil, fmt.Errorf("load regrades: %w", err)
		}
		if err := errors.Join(json.Unmarshal([]byte(correct), &a.Correct), json.Unmarshal([]byte(opts), &a.Options)); err != nil {
			return nil, fmt.Errorf("load regrades: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// affectedAttempts lists the graded attempts that showed the item.
func affectedAttempts(ctx context.Context, tx *sql.Tx, itemID string) ([]*attemptRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+attemptColumns+` FROM attempts WHERE outcome IS NOT NULL
		AND id IN (SELECT attempt_id FROM attempt_questions WHERE item_id = ?) ORDER BY submitted_at, id`, itemID)
	if err != nil {
		return nil, fmt.Errorf("regrade %s: list attempts: %w", itemID, err)
	}
	defer rows.Close()
	var out []*attemptRow
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, fmt.Errorf("regrade %s: list attempts: %w", itemID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
