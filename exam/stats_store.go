package exam

import (
	"context"
	"encoding/json"
	"sort"
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
// the statistics. A refresh with nothing newly graded reads one covering
// index per tier.
func (s *Service) RunStatsLoop(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	refresh := func() {
		tiers, err := s.Tiers(ctx, "")
		if err != nil {
			if ctx.Err() == nil {
				s.cfg.Logger.Error("stats refresh", "err", err)
			}
			return
		}
		for _, tr := range tiers {
			if _, err := s.TierStats(ctx, tr.Code, time.Time{}); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Error("stats refresh", "tier", tr.Code, "err", err)
			}
		}
	}
	refresh() // warm the matrices at start: the first page view is then cheap
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			refresh()
		}
	}
}
