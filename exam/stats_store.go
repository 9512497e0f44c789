package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam/stats"
)

// StatsConfig tunes item statistics and what they do to the bank.
type StatsConfig struct {
	// Thresholds behind the flags; zero fields take stats.DefaultThresholds
	// (MinN from MOPSCERT_STATS_MIN_N in the binary).
	Thresholds stats.Thresholds
	// Policy says per flag code what happens to an active item flagged on
	// its newest version: PolicyNote (shown only) or PolicyReview (moved to
	// review, no longer drawn). Codes not listed take DefaultPolicy.
	Policy map[string]PolicyAction
}

// PolicyAction is what a flag does to the bank.
type PolicyAction string

// The policy actions.
const (
	PolicyNote   PolicyAction = "note"
	PolicyReview PolicyAction = "review"
)

// DefaultPolicy moves an item with a suspect key out of the draw (every
// further candidate would be scored against a probably wrong key) and only
// notes the rest, which need a person's judgement.
func DefaultPolicy() map[string]PolicyAction {
	return map[string]PolicyAction{stats.KeySuspect: PolicyReview}
}

// StatsActor is the actor of automatic item events.
const StatsActor = "system:stats"

// TierStats are the statistics of one tier's graded attempts.
type TierStats struct {
	Tier        string
	Since       time.Time
	PassPercent float64
	Types       map[bank.Ref]bank.Type
	stats.Result
}

// Item returns the figures of one item's versions (newest first).
func (t *TierStats) Item(id string) []stats.ItemStats {
	var out []stats.ItemStats
	for _, it := range t.Items {
		if it.ID == id {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Version > out[b].Version })
	return out
}

// statsCache keeps computed statistics keyed by tier, since and the
// database's change stamp for the tier's graded attempts: an entry is only
// ever a pure function of database rows, so a stale one is never served,
// whichever app server graded the newest attempt.
type statsCache struct {
	mu sync.Mutex
	m  map[string]*TierStats
}

const statsCacheMax = 64

func (c *statsCache) get(k string) *TierStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *statsCache) put(prefix, k string, v *TierStats) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*TierStats{}
	}
	for old := range c.m { // older stamps of the same tier and since are dead
		if strings.HasPrefix(old, prefix) {
			delete(c.m, old)
		}
	}
	if len(c.m) >= statsCacheMax {
		clear(c.m)
	}
	c.m[k] = v
}

// statsStamp changes whenever an attempt of the tier is graded or regraded:
// count, newest submit and the sum of scores of graded attempts, read from
// a covering index.
func (s *Service) statsStamp(ctx context.Context, tier string) (string, error) {
	var n int
	var last sql.NullString
	var sum float64
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*), max(submitted_at), total(score_percent) FROM attempts
			WHERE tier_code = ? AND outcome IS NOT NULL`, tier).Scan(&n, &last, &sum)
	})
	if err != nil {
		return "", fmt.Errorf("stats stamp %s: %w", tier, err)
	}
	return fmt.Sprintf("%d|%s|%g", n, last.String, sum), nil
}

// TierStats returns the statistics of a tier's attempts graded since since
// (zero: all), from the cache when nothing was graded since they were
// computed. A fresh computation over the whole history also runs the
// flag policy.
func (s *Service) TierStats(ctx context.Context, tier string, since time.Time) (*TierStats, error) {
	t, err := s.Tier(ctx, tier)
	if err != nil {
		return nil, err
	}
	stamp, err := s.statsStamp(ctx, tier)
	if err != nil {
		return nil, err
	}
	prefix := tier + "|" + since.UTC().Format(time.RFC3339Nano) + "|"
	if ts := s.stats.get(prefix + stamp); ts != nil {
		return ts, nil
	}
	ts, err := s.computeStats(ctx, tier, since, float64(t.PassPercent))
	if err != nil {
		return nil, err
	}
	s.stats.put(prefix, prefix+stamp, ts)
	if since.IsZero() {
		if err := s.applyPolicy(ctx, ts); err != nil {
			s.cfg.Logger.Error("stats policy", "tier", tier, "err", err)
		}
	}
	return ts, nil
}

// computeStats reads the response matrix of the tier and computes.
func (s *Service) computeStats(ctx context.Context, tier string, since time.Time, pass float64) (*TierStats, error) {
	in := stats.Input{PassPercent: pass, Thresholds: s.cfg.Stats.Thresholds}
	index := map[bank.Ref]int{}
	var refs []bank.Ref
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.score_percent, a.outcome, a.started_at,
				q.item_id, q.item_version, q.score, n.authored, n.first_saved_at
			FROM attempts a
			JOIN attempt_questions q ON q.attempt_id = a.id
			LEFT JOIN answers n ON n.attempt_id = q.attempt_id AND n.question_id = q.question_id
			WHERE a.tier_code = ? AND a.outcome IS NOT NULL AND a.submitted_at >= ?
			ORDER BY a.submitted_at, a.id, q.position`, tier, since.UTC())
		if err != nil {
			return fmt.Errorf("read responses of %s: %w", tier, err)
		}
		defer rows.Close()
		var cur string
		var started time.Time
		var saves []time.Time // first saves of the current attempt, per response
		flush := func() {
			if cur != "" {
				estimateSeconds(&in.Attempts[len(in.Attempts)-1], started, saves)
			}
		}
		for rows.Next() {
			var id string
			var pct float64
			var outcome Outcome
			var st time.Time
			var ref bank.Ref
			var score sql.NullFloat64
			var authored sql.NullString
			var first sql.NullTime
			if err := rows.Scan(&id, &pct, &outcome, &st, &ref.ID, &ref.Version, &score, &authored, &first); err != nil {
				return fmt.Errorf("read responses of %s: %w", tier, err)
			}
			if id != cur {
				flush()
				cur, started, saves = id, st, saves[:0]
				in.Attempts = append(in.Attempts, stats.Attempt{Percent: pct, Passed: outcome == OutcomePassed})
			}
			if !score.Valid {
				continue // void item, or graded before scores were stored
			}
			i, ok := index[ref]
			if !ok {
				i = len(refs)
				index[ref] = i
				refs = append(refs, ref)
			}
			r := stats.Response{Item: i, Score: score.Float64}
			if authored.Valid {
				r.Choices = parseInts(authored.String)
			}
			at := time.Time{}
			if first.Valid {
				at = first.Time
			}
			saves = append(saves, at)
			a := &in.Attempts[len(in.Attempts)-1]
			a.Responses = append(a.Responses, r)
		}
		flush()
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	items, err := s.items.ItemVersions(ctx, refs)
	if err != nil {
		return nil, fmt.Errorf("stats of %s: %w", tier, err)
	}
	types := make(map[bank.Ref]bank.Type, len(refs))
	for _, ref := range refs {
		it := stats.Item{ID: ref.ID, Version: ref.Version}
		if v := items[ref]; v != nil {
			types[ref] = v.Type
			if hasOptions(v.Type) {
				for _, o := range v.Options {
					it.Correct = append(it.Correct, o.Correct)
				}
			}
		}
		in.Items = append(in.Items, it)
	}
	return &TierStats{Tier: tier, Since: since, PassPercent: pass, Types: types, Result: stats.Compute(in)}, nil
}

// hasOptions reports whether candidates choose among authored options (the
// types that get a per-option analysis).
func hasOptions(t bank.Type) bool {
	return t == bank.Single || t == bank.Multiple || t == bank.TrueFalse
}

// estimateSeconds sets each response's time: the gap between its first
// save and the attempt's previous first save (the start for the earliest).
// Candidates answer mostly in sequence, so the gap is the time spent
// reading and answering it; an unanswered question has no time (NaN).
func estimateSeconds(a *stats.Attempt, started time.Time, saves []time.Time) {
	order := make([]int, 0, len(saves))
	for i, t := range saves {
		a.Responses[i].Seconds = math.NaN()
		if !t.IsZero() {
			order = append(order, i)
		}
	}
	sort.Slice(order, func(x, y int) bool { return saves[order[x]].Before(saves[order[y]]) })
	prev := started
	for _, i := range order {
		a.Responses[i].Seconds = saves[i].Sub(prev).Seconds()
		prev = saves[i]
	}
}

// parseInts reads a JSON array of small integers ("[0,2]") without the
// reflection of encoding/json: the stats read hundreds of thousands.
func parseInts(s string) []int {
	s = strings.Trim(s, "[] ")
	if s == "" {
		return nil
	}
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if v, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, v)
		}
	}
	return out
}

// ItemReviewer is the part of the bank the stats policy drives.
// *bank.Store satisfies it.
type ItemReviewer interface {
	AutoReview(ctx context.Context, id string, version int, actor, detail string) (bool, error)
}

// applyPolicy moves the items whose flags call for review. Only flags on
// an item's newest version count (AutoReview checks), so an edited item
// starts afresh.
func (s *Service) applyPolicy(ctx context.Context, ts *TierStats) error {
	rev, ok := s.items.(ItemReviewer)
	if !ok {
		return nil
	}
	policy := DefaultPolicy()
	for k, v := range s.cfg.Stats.Policy {
		policy[k] = v
	}
	for _, it := range ts.Items {
		for _, f := range it.Flags {
			if policy[f.Code] != PolicyReview {
				continue
			}
			detail, _ := json.Marshal(map[string]any{
				"tier": ts.Tier, "flag": f, "n": it.N, "facility": it.Facility, "item_rest_r": it.ItemRest,
			})
			moved, err := rev.AutoReview(ctx, it.ID, it.Version, StatsActor, string(detail))
			if err != nil {
				return err
			}
			if moved {
				s.cfg.Logger.Info("stats policy moved an item to review", "item", it.ID, "version", it.Version, "flag", f.Code)
			}
			break
		}
	}
	return nil
}

// RunStatsLoop refreshes every tier's statistics every interval until ctx
// ends, so the policy acts on newly graded attempts even when nobody opens
// the statistics. A refresh with nothing newly graded costs one indexed
// count per tier.
func (s *Service) RunStatsLoop(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			tiers, err := s.Tiers(ctx, "")
			if err != nil {
				s.cfg.Logger.Error("stats refresh", "err", err)
				continue
			}
			for _, tr := range tiers {
				if _, err := s.TierStats(ctx, tr.Code, time.Time{}); err != nil && ctx.Err() == nil {
					s.cfg.Logger.Error("stats refresh", "tier", tr.Code, "err", err)
				}
			}
		}
	}
}
