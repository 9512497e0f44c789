package exam

import (
	"bytes"
	"context"
	"database/sql"
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

// statsCache holds, per tier, the response matrix read from the database
// and the statistics last computed from it. Every request reconciles the
// matrix with the database first (which graded attempts exist, and their
// scores), so nothing stale is ever served, whichever app server graded:
// the cache only saves re-reading the rows that did not change.
type statsCache struct {
	mu    sync.Mutex
	tiers map[string]*tierMatrix
}

func (c *statsCache) tier(code string) *tierMatrix {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tiers == nil {
		c.tiers = map[string]*tierMatrix{}
	}
	m := c.tiers[code]
	if m == nil {
		m = &tierMatrix{rows: map[string]*loadedAttempt{}, index: map[bank.Ref]int{}}
		c.tiers[code] = m
	}
	return m
}

// tierMatrix is one tier's graded attempts, by attempt id.
type tierMatrix struct {
	mu      sync.Mutex // one refresh of a tier at a time
	rows    map[string]*loadedAttempt
	refs    []bank.Ref
	index   map[bank.Ref]int
	items   []stats.Item
	types   []bank.Type
	version int // bumped whenever rows change
	results map[string]*TierStats
}

// reset empties the matrix after a failed read, so a half-read state
// (responses pointing at items not yet described) is never computed on.
func (m *tierMatrix) reset() {
	m.rows = map[string]*loadedAttempt{}
	m.refs, m.items, m.types = nil, nil, nil
	m.index = map[bank.Ref]int{}
	m.results = nil
	m.version++
}

type loadedAttempt struct {
	at  time.Time // submitted_at
	id  string
	pct float64
	a   stats.Attempt
}

// TierStats returns the statistics of a tier's attempts graded since since
// (zero: all). Attempts graded or regraded since the last call are read;
// the rest come from memory. A fresh computation over the whole history
// also runs the flag policy.
func (s *Service) TierStats(ctx context.Context, tier string, since time.Time) (*TierStats, error) {
	t, err := s.Tier(ctx, tier)
	if err != nil {
		return nil, err
	}
	m := s.stats.tier(tier)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := s.reconcile(ctx, tier, m); err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%d|%d|%s", t.PassPercent, m.version, since.UTC().Format(time.RFC3339Nano))
	if ts := m.results[key]; ts != nil {
		return ts, nil
	}
	ts := m.compute(tier, since, float64(t.PassPercent), s.cfg.Stats.Thresholds)
	if len(m.results) > 16 {
		clear(m.results)
	}
	if m.results == nil {
		m.results = map[string]*TierStats{}
	}
	m.results[key] = ts
	if since.IsZero() {
		if err := s.applyPolicy(ctx, ts); err != nil {
			s.cfg.Logger.Error("stats policy", "tier", tier, "err", err)
		}
	}
	return ts, nil
}

// reconcile brings m in line with the database: graded attempts it lacks,
// or whose score changed (a regrade), are read; ones gone are dropped. The
// check reads id and score of every graded attempt of the tier.
func (s *Service) reconcile(ctx context.Context, tier string, m *tierMatrix) error {
	cur := map[string]float64{}
	var load []string
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, score_percent FROM attempts
			WHERE tier_code = ? AND outcome IS NOT NULL AND submitted_at IS NOT NULL`, tier)
		if err != nil {
			return fmt.Errorf("stats of %s: list attempts: %w", tier, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var pct float64
			if err := rows.Scan(&id, &pct); err != nil {
				return fmt.Errorf("stats of %s: list attempts: %w", tier, err)
			}
			cur[id] = pct
			if old := m.rows[id]; old == nil || old.pct != pct {
				load = append(load, id)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	changed := len(load) > 0
	for id := range m.rows {
		if _, ok := cur[id]; !ok {
			delete(m.rows, id)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	m.version++
	before := len(m.refs)
	for len(load) > 0 {
		n := min(len(load), 500)
		if err := s.loadAttempts(ctx, m, load[:n]); err != nil {
			m.reset()
			return err
		}
		load = load[n:]
	}
	if len(m.refs) == before {
		return nil
	}
	// Item versions are immutable: only the new ones are read.
	items, err := s.items.ItemVersions(ctx, m.refs[before:])
	if err != nil {
		m.reset()
		return fmt.Errorf("stats of %s: %w", tier, err)
	}
	for _, ref := range m.refs[before:] {
		it := stats.Item{ID: ref.ID, Version: ref.Version}
		var typ bank.Type
		if v := items[ref]; v != nil {
			typ = v.Type
			if hasOptions(v.Type) {
				for _, o := range v.Options {
					it.Correct = append(it.Correct, o.Correct)
				}
			}
		}
		m.items = append(m.items, it)
		m.types = append(m.types, typ)
	}
	return nil
}

// loadAttempts reads the given attempts with their responses, one row per
// attempt with the responses joined inside the database (400,000 rows crossing
// the driver one by one cost seconds). Fields:
// item|version|score|authored|seconds from the start to the first save;
// item ids are slugs, so | and ; are free to separate.
func (s *Service) loadAttempts(ctx context.Context, m *tierMatrix, ids []string) error {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return s.db.View(ctx, func(tx *sql.Tx) error {
		// Every part is cast to text: PostgreSQL will not coalesce a
		// number with ''.
		field := `q.item_id || '|' || CAST(q.item_version AS TEXT) || '|' || coalesce(CAST(q.score AS TEXT), '') || '|' ||
					coalesce(n.authored, '') || '|' ||
					coalesce(CAST(` + s.db.SecondsBetween("n.first_saved_at", "a.started_at") + ` AS TEXT), '')`
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.submitted_at, a.score_percent, a.outcome, a.language, (SELECT
				`+s.db.StringAgg(field, ";")+`
				FROM attempt_questions q
				LEFT JOIN answers n ON n.attempt_id = q.attempt_id AND n.question_id = q.question_id
				WHERE q.attempt_id = a.id)
			FROM attempts a WHERE a.id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
		if err != nil {
			return fmt.Errorf("read responses: %w", err)
		}
		defer rows.Close()
		var offsets []float64
		for rows.Next() {
			la := &loadedAttempt{}
			var outcome Outcome
			var packed sql.RawBytes
			var lang string
			if err := rows.Scan(&la.id, &la.at, &la.pct, &outcome, &lang, &packed); err != nil {
				return fmt.Errorf("read responses: %w", err)
			}
			la.a = stats.Attempt{Percent: la.pct, Passed: outcome == OutcomePassed, Language: lang}
			offsets = offsets[:0]
			for len(packed) > 0 {
				var f []byte
				f, packed = cut(packed, ';')
				ref, r, off, ok := parseResponse(f)
				if !ok {
					continue // a void item, or graded before scores were stored
				}
				i, seen := m.index[ref]
				if !seen {
					i = len(m.refs)
					m.index[ref] = i
					m.refs = append(m.refs, ref)
				}
				r.Item = i
				la.a.Responses = append(la.a.Responses, r)
				offsets = append(offsets, off)
			}
			estimateSeconds(&la.a, offsets)
			m.rows[la.id] = la
		}
		return rows.Err()
	})
}

// compute runs the statistics over the attempts submitted since since, in
// submit order.
func (m *tierMatrix) compute(tier string, since time.Time, pass float64, th stats.Thresholds) *TierStats {
	las := make([]*loadedAttempt, 0, len(m.rows))
	for _, la := range m.rows {
		if !la.at.Before(since) {
			las = append(las, la)
		}
	}
	sort.Slice(las, func(i, j int) bool {
		if !las[i].at.Equal(las[j].at) {
			return las[i].at.Before(las[j].at)
		}
		return las[i].id < las[j].id
	})
	in := stats.Input{Items: m.items, PassPercent: pass, Thresholds: th, Attempts: make([]stats.Attempt, len(las))}
	for i, la := range las {
		in.Attempts[i] = la.a
	}
	res := stats.Compute(in)
	// Items no attempt since `since` held are left out.
	kept := res.Items[:0]
	types := map[bank.Ref]bank.Type{}
	for i, it := range res.Items {
		if it.N > 0 {
			kept = append(kept, it)
			types[m.refs[i]] = m.types[i]
		}
	}
	res.Items = kept
	return &TierStats{Tier: tier, Since: since, PassPercent: pass, Types: types, Result: res}
}

// hasOptions reports whether candidates choose among authored options (the
// types that get a per-option analysis).
func hasOptions(t bank.Type) bool {
	return t == bank.Single || t == bank.Multiple || t == bank.TrueFalse
}

// estimateSeconds sets each response's time from the offsets (seconds
// from the start) of the first saves: the gap to the attempt's previous
// first save (the start for the earliest). Candidates answer mostly in
// sequence, so the gap is the time spent reading and answering; an
// unanswered question (NaN offset) has no time.
func estimateSeconds(a *stats.Attempt, offsets []float64) {
	order := make([]int, 0, len(offsets))
	for i, t := range offsets {
		a.Responses[i].Seconds = math.NaN()
		if !math.IsNaN(t) {
			order = append(order, i)
		}
	}
	sort.Slice(order, func(x, y int) bool { return offsets[order[x]] < offsets[order[y]] })
	prev := 0.0
	for _, i := range order {
		a.Responses[i].Seconds = offsets[i] - prev
		prev = offsets[i]
	}
}

// cut splits b at the first sep.
func cut(b []byte, sep byte) (before, after []byte) {
	if i := bytes.IndexByte(b, sep); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// parseResponse reads item|version|score|authored|offset; ok is false for
// a response without a score.
func parseResponse(f []byte) (ref bank.Ref, r stats.Response, offset float64, ok bool) {
	var id, ver, score, authored, off []byte
	id, f = cut(f, '|')
	ver, f = cut(f, '|')
	score, f = cut(f, '|')
	authored, off = cut(f, '|')
	if len(score) == 0 {
		return ref, r, 0, false
	}
	v, err1 := strconv.Atoi(string(ver))
	sc, err2 := strconv.ParseFloat(string(score), 64)
	if err1 != nil || err2 != nil {
		return ref, r, 0, false
	}
	ref = bank.Ref{ID: string(id), Version: v}
	r.Score = sc
	r.Choices = parseInts(authored)
	offset = math.NaN()
	if len(off) > 0 {
		if x, err := strconv.ParseFloat(string(off), 64); err == nil {
			offset = x
		}
	}
	return ref, r, offset, true
}

// parseInts reads a JSON array of small integers ("[0,2]") without the
// reflection of encoding/json: the stats read hundreds of thousands.
func parseInts(b []byte) []int {
	b = bytes.Trim(b, "[] ")
	if len(b) == 0 {
		return nil
	}
	out := make([]int, 0, 1+bytes.Count(b, []byte{','}))
	n, digits := 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n, digits = n*10+int(c-'0'), true
		case c == ',':
			if digits {
				out = append(out, n)
			}
			n, digits = 0, false
		}
	}
	if digits {
		out = append(out, n)
	}
	return out
}
