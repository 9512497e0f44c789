package exam

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/db"
)

// Standard setting by the modified Angoff method. A panel of subject-matter
// experts (administrators; there is no separate role yet) agrees on a
// definition of the minimally competent candidate (MCC), then each
// panelist rates each item: the percentage of MCCs who would answer it
// correctly. A panelist's cut is the mean of their ratings; the study's
// recommended cut is the mean of the panelists' cuts, with standard error
// SD(panelist cuts) / √panelists (SD with n − 1). Between rounds the panel
// sees the spread of ratings per item, the items' facility where
// statistics exist, and the pass rate the cut would have given the
// attempts so far. Approval sets the tier's pass mark to the cut rounded
// up to a whole percent (a pass never means less than the panel's cut);
// finished attempts keep the mark they were graded with.

// Study statuses.
const (
	StudyOpen     = "open"
	StudyApproved = "approved"
)

// MinPanelists is the smallest panel whose cut can be approved: with fewer
// there is no standard error.
const MinPanelists = 2

// Study is a standard-setting study of a tier.
type Study struct {
	ID            string     `json:"id"`
	Tier          string     `json:"tier"`
	Title         string     `json:"title"`
	MCCDefinition string     `json:"mcc_definition"`
	Status        string     `json:"status"`
	Round         int        `json:"round"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	ApprovedBy    string     `json:"approved_by,omitempty"`
	ApprovedAt    *time.Time `json:"approved_at,omitempty"`
	Cut           *float64   `json:"cut,omitempty"`
	SE            *float64   `json:"se,omitempty"`
	PassPercent   *int       `json:"pass_percent,omitempty"`
	Items         []bank.Ref `json:"items"`
	Panelists     []string   `json:"panelists"` // user ids
}

// StudyCreate starts a study. With no Items, the tier's active pool (newest
// versions) is rated.
type StudyCreate struct {
	Tier          string     `json:"tier"`
	Title         string     `json:"title"`
	MCCDefinition string     `json:"mcc_definition"`
	Items         []bank.Ref `json:"items"`
	Panelists     []string   `json:"panelists"`
}

// PassMarkSource says where a tier's pass mark came from.
type PassMarkSource struct {
	StudyID    string    `json:"study_id"`
	ApprovedAt time.Time `json:"approved_at"`
	ApprovedBy string    `json:"approved_by"`
	Cut        float64   `json:"cut"`
	SE         float64   `json:"se"`
}

// ItemSpread is one item's ratings in a round.
type ItemSpread struct {
	ItemID   string   `json:"item_id"`
	Version  int      `json:"version"`
	N        int      `json:"n"`
	Mean     *float64 `json:"mean"`
	Min      *float64 `json:"min"`
	Max      *float64 `json:"max"`
	Facility *float64 `json:"facility"` // share answering correctly (0–1), when statistics exist
}

// PanelistCut is one panelist's cut in a round.
type PanelistCut struct {
	UserID   string  `json:"user_id"`
	Rated    int     `json:"rated"`
	Complete bool    `json:"complete"`
	Cut      float64 `json:"cut"`
}

// RoundSummary is what the panel sees between rounds and what approval
// uses: only panelists who rated every item count towards the cut.
type RoundSummary struct {
	StudyID   string        `json:"study_id"`
	Round     int           `json:"round"`
	Items     []ItemSpread  `json:"items"`
	Panelists []PanelistCut `json:"panelists"`
	// Cut is the mean of complete panelists' cuts (percent); SE its
	// standard error; both null with too few complete panelists.
	Cut *float64 `json:"cut"`
	SE  *float64 `json:"se"`
	// PassMark is Cut rounded up to a whole percent: what approval sets.
	PassMark *int `json:"pass_mark"`
	// ProjectedPassRate is the share (0–1) of the tier's graded attempts
	// scoring at least PassMark; null without attempts.
	ProjectedPassRate *float64 `json:"projected_pass_rate"`
	Attempts          int      `json:"attempts"`
}

// Standard-setting errors.
var (
	ErrStudyNotFound   = apperr.New(apperr.NotFound, "study_not_found", "No standard-setting study has that id.")
	ErrStudyClosed     = apperr.New(apperr.Conflict, "study_closed", "The study is approved; its ratings can no longer change.")
	ErrNotPanelist     = apperr.New(apperr.Forbidden, "not_panelist", "You are not on this study's panel.")
	ErrPanelIncomplete = apperr.New(apperr.Conflict, "panel_incomplete", "Too few panelists have rated every item in this round to approve a cut.")
)

// CreateStudy starts a study in round 1.
func (s *Service) CreateStudy(ctx context.Context, req StudyCreate, actor string) (*Study, error) {
	req.Title, req.MCCDefinition = strings.TrimSpace(req.Title), strings.TrimSpace(req.MCCDefinition)
	f := apperr.FieldMsgs{}
	if req.Title == "" || utf8.RuneCountInString(req.Title) > 200 {
		f["title"] = codeStudyTitle.Msg("Give the study a title of at most %d characters.", 200)
	}
	if req.MCCDefinition == "" || utf8.RuneCountInString(req.MCCDefinition) > 4000 {
		f["mcc_definition"] = codeStudyMCC.Msg("Describe the minimally competent candidate (at most 4,000 characters).")
	}
	slices.Sort(req.Panelists)
	req.Panelists = slices.Compact(req.Panelists)
	if len(req.Panelists) < MinPanelists {
		f["panelists"] = codeStudyPanelists.Msg("Name at least %d panelists.", MinPanelists)
	}
	if len(f) > 0 {
		return nil, f.Err()
	}
	if len(req.Items) == 0 {
		pool, err := s.items.DrawPool(ctx, req.Tier)
		if err != nil {
			return nil, err
		}
		for _, p := range pool {
			req.Items = append(req.Items, bank.Ref{ID: p.ID, Version: p.Version})
		}
	}
	if len(req.Items) == 0 {
		return nil, codeStudyNoItems.Msg("The tier has no active items to rate.").On("items")
	}
	st := &Study{ID: db.NewID("ss"), Tier: req.Tier, Title: req.Title, MCCDefinition: req.MCCDefinition,
		Status: StudyOpen, Round: 1, CreatedBy: actor, CreatedAt: s.clock.Now(), Items: req.Items, Panelists: req.Panelists}
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		if _, err := findTier(ctx, tx, req.Tier); err != nil {
			return err
		}
		for _, u := range req.Panelists {
			var role string
			err := tx.QueryRowContext(ctx, `SELECT role FROM users WHERE id = ?`, u).Scan(&role)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && role != "admin") {
				return codeStudyPanelistAdmin.Msg("Every panelist must be an administrator's account.").On("panelists")
			}
			if err != nil {
				return fmt.Errorf("check panelist: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO standard_studies (id, tier_code, title, mcc_definition, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, st.ID, st.Tier, st.Title, st.MCCDefinition, actor, st.CreatedAt); err != nil {
			return fmt.Errorf("create study: %w", err)
		}
		for i, r := range st.Items {
			_, err := tx.ExecContext(ctx, `INSERT INTO standard_items (study_id, item_id, item_version, position) VALUES (?, ?, ?, ?)`,
				st.ID, r.ID, r.Version, i+1)
			if isForeignKeyViolation(err) {
				return codeStudyItemVersion.Msg("Item %s has no version %d.", r.ID, r.Version).On("items")
			}
			if isUniqueViolation(err, "standard_items") {
				return codeStudyItemTwice.Msg("Item %s is listed twice.", r.ID).On("items")
			}
			if err != nil {
				return fmt.Errorf("create study: %w", err)
			}
		}
		for _, u := range st.Panelists {
			if _, err := tx.ExecContext(ctx, `INSERT INTO standard_panelists (study_id, user_id) VALUES (?, ?)`, st.ID, u); err != nil {
				return fmt.Errorf("create study: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// Study returns a study with its items and panel.
func (s *Service) Study(ctx context.Context, id string) (*Study, error) {
	var st *Study
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		st, err = findStudy(ctx, tx, id)
		return err
	})
	return st, err
}

// Studies lists the studies of a tier ("" for all), newest first.
func (s *Service) Studies(ctx context.Context, tier string) ([]*Study, error) {
	out := []*Study{}
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM standard_studies WHERE ? = '' OR tier_code = ?
			ORDER BY created_at DESC, id`, tier, tier)
		if err != nil {
			return fmt.Errorf("list studies: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("list studies: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			st, err := findStudy(ctx, tx, id)
			if err != nil {
				return err
			}
			out = append(out, st)
		}
		return rows.Err()
	})
	return out, err
}

// Rate stores a panelist's ratings (item id → percent 0–100) for the
// study's current round; items left out keep their rating.
func (s *Service) Rate(ctx context.Context, studyID, userID string, ratings map[string]float64) error {
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		st, err := findOpenStudy(ctx, tx, studyID)
		if err != nil {
			return err
		}
		if !slices.Contains(st.Panelists, userID) {
			return ErrNotPanelist
		}
		f := apperr.FieldMsgs{}
		for id, v := range ratings {
			if !slices.ContainsFunc(st.Items, func(r bank.Ref) bool { return r.ID == id }) {
				f[id] = codeRatingNotInStudy.Msg("This item is not part of the study.")
			} else if math.IsNaN(v) || v < 0 || v > 100 {
				f[id] = codeRatingRange.Msg("Rate from 0 to 100 (percent of minimally competent candidates answering correctly).")
			}
		}
		if len(f) > 0 {
			return f.Err()
		}
		now := s.clock.Now()
		for id, v := range ratings {
			if _, err := tx.ExecContext(ctx, `INSERT INTO standard_ratings (study_id, round, user_id, item_id, rating, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (study_id, round, user_id, item_id)
				DO UPDATE SET rating = excluded.rating, updated_at = excluded.updated_at`,
				studyID, st.Round, userID, id, v, now); err != nil {
				return fmt.Errorf("save rating: %w", err)
			}
		}
		return nil
	})
}

// Ratings returns a panelist's ratings in a round, by item id.
func (s *Service) Ratings(ctx context.Context, studyID, userID string, round int) (map[string]float64, error) {
	out := map[string]float64{}
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT item_id, rating FROM standard_ratings WHERE study_id = ? AND round = ? AND user_id = ?`,
			studyID, round, userID)
		if err != nil {
			return fmt.Errorf("read ratings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var v float64
			if err := rows.Scan(&id, &v); err != nil {
				return fmt.Errorf("read ratings: %w", err)
			}
			out[id] = v
		}
		return rows.Err()
	})
	return out, err
}

// NextRound closes the current round: panelists then rate again, seeing the
// round's summary. Their new round starts from their previous ratings.
func (s *Service) NextRound(ctx context.Context, studyID string) (*Study, error) {
	var st *Study
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = findOpenStudy(ctx, tx, studyID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE standard_studies SET round = round + 1 WHERE id = ?`, studyID); err != nil {
			return fmt.Errorf("next round: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO standard_ratings (study_id, round, user_id, item_id, rating, updated_at)
			SELECT study_id, round + 1, user_id, item_id, rating, ? FROM standard_ratings WHERE study_id = ? AND round = ?`,
			s.clock.Now(), studyID, st.Round); err != nil {
			return fmt.Errorf("next round: %w", err)
		}
		st.Round++
		return nil
	})
	return st, err
}
