package exam

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/mopscert/mopscert/bank"
)

// angoffCut is the modified-Angoff arithmetic on complete panelists' cuts:
// the mean, and the standard error SD/√n with the sample SD (n − 1). With
// fewer than MinPanelists cuts there is no recommendation.
func angoffCut(cuts []float64) (cut, se float64, ok bool) {
	n := float64(len(cuts))
	if len(cuts) < MinPanelists {
		return 0, 0, false
	}
	for _, c := range cuts {
		cut += c
	}
	cut /= n
	var ss float64
	for _, c := range cuts {
		ss += (c - cut) * (c - cut)
	}
	return cut, math.Sqrt(ss/(n-1)) / math.Sqrt(n), true
}

// passMarkOf rounds a cut up to the whole percent the tier stores; the
// epsilon keeps a cut of 70.0000000001 (float noise) at 70.
func passMarkOf(cut float64) int {
	return int(math.Ceil(cut - 1e-9))
}

// Summary is the spread of a round's ratings, the panelists' cuts, the
// recommended cut and the pass rate it projects on the attempts so far.
// round 0 is the current round.
func (s *Service) Summary(ctx context.Context, studyID string, round int) (*RoundSummary, error) {
	var st *Study
	var sum *RoundSummary
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = findStudy(ctx, tx, studyID); err != nil {
			return err
		}
		if round <= 0 || round > st.Round {
			round = st.Round
		}
		sum, err = summarize(ctx, tx, st, round)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Facility from the item statistics where they exist; a tier without
	// graded attempts simply has none.
	if ts, err := s.TierStats(ctx, st.Tier, time.Time{}); err == nil {
		for i, it := range sum.Items {
			for _, f := range ts.Item(it.ItemID) {
				if f.Version == it.Version && f.Facility != nil {
					v := *f.Facility
					sum.Items[i].Facility = &v
				}
			}
		}
	}
	return sum, nil
}

func summarize(ctx context.Context, tx *sql.Tx, st *Study, rnd int) (*RoundSummary, error) {
	sum := &RoundSummary{StudyID: st.ID, Round: rnd, Items: []ItemSpread{}, Panelists: []PanelistCut{}}
	byItem := map[string][]float64{}
	byUser := map[string][]float64{}
	rows, err := tx.QueryContext(ctx, `SELECT user_id, item_id, rating FROM standard_ratings
		WHERE study_id = ? AND round = ?`, st.ID, rnd)
	if err != nil {
		return nil, fmt.Errorf("summarize study %s: %w", st.ID, err)
	}
	for rows.Next() {
		var u, item string
		var v float64
		if err := rows.Scan(&u, &item, &v); err != nil {
			rows.Close()
			return nil, fmt.Errorf("summarize study %s: %w", st.ID, err)
		}
		byItem[item] = append(byItem[item], v)
		byUser[u] = append(byUser[u], v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range st.Items {
		sp := ItemSpread{ItemID: r.ID, Version: r.Version, N: len(byItem[r.ID])}
		if vs := byItem[r.ID]; len(vs) > 0 {
			lo, hi, total := vs[0], vs[0], 0.0
			for _, v := range vs {
				lo, hi, total = math.Min(lo, v), math.Max(hi, v), total+v
			}
			mean := round(total/float64(len(vs)), 2)
			sp.Mean, sp.Min, sp.Max = &mean, &lo, &hi
		}
		sum.Items = append(sum.Items, sp)
	}
	var cuts []float64
	for _, u := range st.Panelists {
		vs := byUser[u]
		pc := PanelistCut{UserID: u, Rated: len(vs), Complete: len(vs) == len(st.Items)}
		if len(vs) > 0 {
			total := 0.0
			for _, v := range vs {
				total += v
			}
			pc.Cut = total / float64(len(vs))
		}
		if pc.Complete {
			cuts = append(cuts, pc.Cut)
		}
		pc.Cut = round(pc.Cut, 2)
		sum.Panelists = append(sum.Panelists, pc)
	}
	cut, se, ok := angoffCut(cuts)
	if !ok {
		return sum, nil
	}
	cut, se = round(cut, 2), round(se, 2)
	mark := passMarkOf(cut)
	sum.Cut, sum.SE, sum.PassMark = &cut, &se, &mark
	var passing int
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN score_percent >= ? THEN 1 ELSE 0 END), 0) FROM attempts
		WHERE tier_code = ? AND outcome IS NOT NULL`, mark, st.Tier).Scan(&sum.Attempts, &passing); err != nil {
		return nil, fmt.Errorf("projected pass rate: %w", err)
	}
	if sum.Attempts > 0 {
		rate := round(float64(passing)/float64(sum.Attempts), 4)
		sum.ProjectedPassRate = &rate
	}
	return sum, nil
}

// ApproveStudy takes the current round's cut as the tier's pass mark and
// records where it came from. Attempts already started or finished keep the
// pass mark they were given at start.
func (s *Service) ApproveStudy(ctx context.Context, studyID, actor string) (*Study, error) {
	var st *Study
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = findOpenStudy(ctx, tx, studyID); err != nil {
			return err
		}
		sum, err := summarize(ctx, tx, st, st.Round)
		if err != nil {
			return err
		}
		if sum.Cut == nil {
			return ErrPanelIncomplete
		}
		now := s.clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE standard_studies SET status = ?, approved_by = ?, approved_at = ?,
			cut = ?, se = ?, pass_percent = ? WHERE id = ?`, StudyApproved, actor, now, *sum.Cut, *sum.SE, *sum.PassMark, studyID); err != nil {
			return fmt.Errorf("approve study: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tiers SET pass_percent = ?, pass_mark_study = ?, updated_at = ? WHERE code = ?`,
			*sum.PassMark, studyID, now, st.Tier); err != nil {
			return fmt.Errorf("set pass mark of %s: %w", st.Tier, err)
		}
		st.Status, st.ApprovedBy, st.ApprovedAt, st.Cut, st.SE, st.PassPercent = StudyApproved, actor, &now, sum.Cut, sum.SE, sum.PassMark
		return nil
	})
	return st, err
}

// findOpenStudy is findStudy for the changes only an open study takes.
func findOpenStudy(ctx context.Context, tx *sql.Tx, id string) (*Study, error) {
	st, err := findStudy(ctx, tx, id)
	if err == nil && st.Status != StudyOpen {
		return nil, ErrStudyClosed
	}
	return st, err
}

func findStudy(ctx context.Context, tx *sql.Tx, id string) (*Study, error) {
	st := &Study{ID: id, Items: []bank.Ref{}, Panelists: []string{}}
	var at sql.NullTime
	var cut, se sql.NullFloat64
	var pass sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT tier_code, title, mcc_definition, status, round, created_by, created_at,
		approved_by, approved_at, cut, se, pass_percent FROM standard_studies WHERE id = ?`, id).Scan(
		&st.Tier, &st.Title, &st.MCCDefinition, &st.Status, &st.Round, &st.CreatedBy, &st.CreatedAt,
		&st.ApprovedBy, &at, &cut, &se, &pass)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrStudyNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find study %s: %w", id, err)
	}
	if at.Valid {
		st.ApprovedAt = &at.Time
	}
	if cut.Valid {
		st.Cut, st.SE = &cut.Float64, &se.Float64
	}
	if pass.Valid {
		p := int(pass.Int64)
		st.PassPercent = &p
	}
	rows, err := tx.QueryContext(ctx, `SELECT item_id, item_version FROM standard_items WHERE study_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("study %s items: %w", id, err)
	}
	for rows.Next() {
		var r bank.Ref
		if err := rows.Scan(&r.ID, &r.Version); err != nil {
			rows.Close()
			return nil, fmt.Errorf("study %s items: %w", id, err)
		}
		st.Items = append(st.Items, r)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT user_id FROM standard_panelists WHERE study_id = ? ORDER BY user_id`, id)
	if err != nil {
		return nil, fmt.Errorf("study %s panel: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("study %s panel: %w", id, err)
		}
		st.Panelists = append(st.Panelists, u)
	}
	return st, rows.Err()
}

// fillPassMarkSources sets each tier's PassMarkSource from its approved
// study.
func fillPassMarkSources(ctx context.Context, tx *sql.Tx, tiers []Tier) error {
	rows, err := tx.QueryContext(ctx, `SELECT t.code, s.id, s.approved_at, s.approved_by, s.cut, s.se
		FROM tiers t JOIN standard_studies s ON s.id = t.pass_mark_study`)
	if err != nil {
		return fmt.Errorf("pass mark sources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var src PassMarkSource
		if err := rows.Scan(&code, &src.StudyID, &src.ApprovedAt, &src.ApprovedBy, &src.Cut, &src.SE); err != nil {
			return fmt.Errorf("pass mark sources: %w", err)
		}
		for i := range tiers {
			if tiers[i].Code == code {
				tiers[i].PassMarkSource = &src
			}
		}
	}
	return rows.Err()
}
