// Package exam runs the certification exams: tiers and their blueprints,
// eligibility (prerequisites, retake rules), form assembly, timed attempts
// with autosaved answers, grading and the deadline sweeper. It issues
// certificates through exam/cert and draws items from the bank through the
// small ItemSource interface declared here.
//
// Nothing about a running attempt lives in memory: the form, the deadline and
// every acknowledged answer are in the database, so a restarted server
// resumes every attempt where it was.
package exam

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"log/slog"
	"strings"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/exam/cert"
)

// ItemSource is what exams need from the question bank. *bank.Store
// satisfies it.
type ItemSource interface {
	// DrawPool lists the active items drawable for a tier (newest versions).
	DrawPool(ctx context.Context, tier string) ([]bank.PoolEntry, error)
	// DrawPoolIn is DrawPool keeping the items deliverable in a language.
	DrawPoolIn(ctx context.Context, tier, lang string) ([]bank.PoolEntry, error)
	// ItemVersions returns item versions with each item's current status.
	ItemVersions(ctx context.Context, refs []bank.Ref) (map[bank.Ref]*bank.Item, error)
}

// Issuer issues a certificate inside the caller's transaction, so a pass and
// its certificate commit together or not at all. *cert.Service satisfies it.
type Issuer interface {
	IssueTx(ctx context.Context, tx *sql.Tx, req cert.IssueRequest) (cert.Credential, error)
	// FindTx reads an issued certificate with its live status; the
	// credentials table is its only home, the attempt keeps just the id.
	FindTx(ctx context.Context, tx *sql.Tx, id string) (cert.Credential, error)
}

// Config tunes a Service. Zero values take the defaults.
type Config struct {
	// Grace is how long after the deadline answers and a submit are still
	// accepted as on time, to absorb network delay. Default 5s.
	Grace time.Duration
	// Seed returns the seed of a new form. Default: crypto/rand.
	Seed func() int64
	// Logger receives sweeper failures. Default slog.Default().
	Logger *slog.Logger
	// Stats tunes item statistics and the flag policy (stats_store.go).
	Stats StatsConfig
	// ChallengeDays is how many days after submitting a candidate may
	// comment on the attempt's questions. Default DefaultChallengeDays.
	ChallengeDays int
}

// DefaultGrace is Config.Grace when none is set.
const DefaultGrace = 5 * time.Second

// Service runs exams. It is safe for concurrent use and keeps no attempt
// state in memory.
type Service struct {
	db    *db.DB
	clock clock.Clock
	items ItemSource
	certs Issuer
	cfg   Config
	html  *renderCache
	stats *statsCache
}

// NewService returns a Service. certs may be nil: passes then carry no
// certificate.
func NewService(d *db.DB, clk clock.Clock, items ItemSource, certs Issuer, cfg Config) *Service {
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.Seed == nil {
		cfg.Seed = randomSeed
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Service{db: d, clock: clk, items: items, certs: certs, cfg: cfg, html: &renderCache{}, stats: &statsCache{}}
}

func randomSeed() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1) // non-negative: easier to read in the database
}

// Errors callers can act on. Copies carrying detail (a reason, retry_after)
// still match these with errors.Is.
var (
	ErrTierNotFound        = apperr.New(apperr.NotFound, "tier_not_found", "No tier has that code.")
	ErrTierConflict        = apperr.New(apperr.Conflict, "tier_conflict", "Someone changed this tier since you loaded it; reload it and apply your change again.")
	ErrTierUnavailable     = apperr.New(apperr.Conflict, "tier_unavailable", "This exam cannot be assembled right now because the question bank is short of items.")
	ErrBlueprintUnfillable = apperr.New(apperr.Invalid, "blueprint_unfillable", "The question bank does not have enough active items to fill this blueprint.")
	ErrNotFound            = apperr.New(apperr.NotFound, "attempt_not_found", "No attempt of yours has that id.")
	ErrQuestionNotFound    = apperr.New(apperr.NotFound, "question_not_found", "The attempt has no question with that id.")
	ErrInvalidChoice       = apperr.New(apperr.Invalid, "invalid_choice", "The choices are not valid for this question.")
	ErrAttemptClosed       = apperr.New(apperr.Conflict, "attempt_closed", "The attempt is closed and takes no more answers.")
	ErrAttemptOpen         = apperr.New(apperr.Conflict, "attempt_open", "The attempt is still in progress; its result exists once it is submitted.")
	ErrAttemptInProgress   = apperr.New(apperr.Conflict, "attempt_in_progress", "You already have an exam in progress; finish or submit it first.")
	ErrAlreadyCertified    = apperr.New(apperr.Conflict, "already_certified", "You already hold a valid certificate for this tier.")
	ErrPrerequisiteMissing = apperr.New(apperr.Forbidden, "prerequisite_missing", "This tier requires a valid certificate for its prerequisite tier.")
	ErrRetakeTooSoon       = apperr.New(apperr.TooMany, "retake_too_soon", "You can retake this exam after the waiting period.")
	ErrTooManyAttempts     = apperr.New(apperr.TooMany, "too_many_attempts", "You have used the attempts allowed in the current period.")
	ErrUserNotFound        = apperr.New(apperr.NotFound, "user_not_found", "No user has that id.")
)

// Closed-attempt errors say why, so the candidate's page can tell them.
var (
	errClosedTimeUp    = ErrAttemptClosed.Worded(codeClosedTimeUp.Msg("The attempt is closed: time is up."))
	errClosedSubmitted = ErrAttemptClosed.Worded(codeClosedSubmitted.Msg("The attempt is closed: it was already submitted."))
)

// withMessage returns a copy of e with another message; errors.Is still
// matches e. The message is English detail without a code (a list of
// shortfalls), so other languages show e's general message; a sentence with
// a code goes through e.Worded instead.
func withMessage(e *apperr.Error, msg string) *apperr.Error {
	c := *e
	c.Message = msg
	return &c
}

// retryAfter formats t for the retry_after member, rounded up to the second
// so a client that waits until then is not refused again.
func retryAfter(t time.Time) string { return ceilSecond(t).Format(time.RFC3339) }

// ceilSecond rounds t up to the whole second, in UTC.
func ceilSecond(t time.Time) time.Time {
	r := t.UTC().Truncate(time.Second)
	if r.Before(t) {
		r = r.Add(time.Second)
	}
	return r
}

// isUniqueViolation reports whether err is a UNIQUE constraint failure on
// the given "table.column" (or any key of "table").
func isUniqueViolation(err error, column string) bool {
	table, col, _ := strings.Cut(column, ".")
	return db.IsUniqueViolationOn(err, table, col)
}

// isForeignKeyViolation reports whether err is a FOREIGN KEY failure.
func isForeignKeyViolation(err error) bool { return db.IsForeignKeyViolation(err) }
