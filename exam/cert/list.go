package cert

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// List returns one page of certificates for administrators, newest first,
// and how many match in all.
func (s *Service) List(ctx context.Context, f Filter) ([]Credential, int, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 500 {
		f.Limit = 500
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	now := s.clk.Now().UTC()
	var where []string
	var args []any
	if f.Tier != "" {
		where = append(where, `tier_code = ?`)
		args = append(args, f.Tier)
	}
	switch f.Status {
	case "":
	case StatusValid:
		where = append(where, `revoked_at IS NULL AND superseded_by IS NULL AND expires_at > ?`)
		args = append(args, now)
	case StatusExpired:
		where = append(where, `revoked_at IS NULL AND expires_at <= ?`)
		args = append(args, now)
	case StatusRevoked:
		where = append(where, `revoked_at IS NOT NULL`)
	default:
		return nil, 0, codeListStatus.Msg("Status must be valid, expired or revoked.").On("status")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// Part of a name or of an id; a whole id in any spelling ParseID
		// accepts also matches. Both sides are folded by the database's
		// own lower() (PostgreSQL's LIKE folds nothing; SQLite's lower()
		// folds ASCII only, so names beyond ASCII compare as typed there).
		pat := "%" + likeEscape(q) + "%"
		id, err := ParseID(q)
		if err != nil {
			id = ""
		}
		where = append(where, `(id = ? OR lower(holder_name) LIKE lower(?) ESCAPE '\' OR lower(id) LIKE lower(?) ESCAPE '\')`)
		args = append(args, id, pat, pat)
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	var out []Credential
	var total int
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM credentials `+cond, args...).Scan(&total); err != nil {
			return fmt.Errorf("count certificates: %w", err)
		}
		var err error
		out, err = queryCredentials(ctx, tx, cond+` ORDER BY issued_at DESC, id LIMIT ? OFFSET ?`,
			append(args, f.Limit, f.Offset)...)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		s.fill(&out[i], now)
	}
	return out, total, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
