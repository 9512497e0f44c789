package account

import (
	"context"
	"database/sql"
	"fmt"
)

// ErrLanguage refuses a language the server has no pages in.
var ErrLanguage = codeLanguageUnknown.Msg("Choose en or de.").On("language")

// SetLanguage stores the user's preferred language. The user's cached
// sessions are dropped so the next request on this server sees it at once.
func (s *Store) SetLanguage(ctx context.Context, userID, lang string) error {
	if !ValidLanguage(lang) {
		return ErrLanguage
	}
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET language = ? WHERE id = ?`, lang, userID)
		if err != nil {
			return fmt.Errorf("set language of %s: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.sessions.dropUser(userID)
	return nil
}
