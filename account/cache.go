package account

import (
	"sync"
	"time"
)

// SessionCacheTTL bounds how stale a cached session may be. Every commit by
// the writer (autosaves, thousands a second) empties the readers' SQLite
// page caches, so without this each request re-reads the session's pages
// from disk. A logout on this server takes effect at once; on another app
// server sharing the database (a logout, a password change or reset, an
// erasure), within this TTL.
//
// A bound rather than LISTEN/NOTIFY: it needs no dedicated PostgreSQL
// connection per node with reconnects and missed-notification handling,
// works the same on SQLite, and costs one indexed read per active session
// per second, which is small beside the autosaves those sessions make. One
// second keeps a revocation well within the two seconds the nodes promise.
const SessionCacheTTL = time.Second

const maxCachedSessions = 100_000

type cachedSession struct {
	user    User
	sess    Session
	fetched time.Time
}

type sessionCache struct {
	mu sync.Mutex
	m  map[string]cachedSession
}

func (c *sessionCache) get(hash string, now time.Time) (cachedSession, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.Sub(e.fetched) >= SessionCacheTTL || now.Before(e.fetched) {
		return cachedSession{}, false
	}
	return e, true
}

func (c *sessionCache) put(hash string, e cachedSession) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedSessions {
		c.m = make(map[string]cachedSession) // crude but bounded: start afresh
	}
	c.m[hash] = e
}

func (c *sessionCache) drop(hash string) {
	c.mu.Lock()
	delete(c.m, hash)
	c.mu.Unlock()
}

// dropUser forgets every cached session of a user (after a password reset
// or change ends them).
func (c *sessionCache) dropUser(userID string) {
	c.mu.Lock()
	for h, e := range c.m {
		if e.user.ID == userID {
			delete(c.m, h)
		}
	}
	c.mu.Unlock()
}

// ForgetSessions drops this server's cached sessions of a user, after a
// change elsewhere (e.g. an approved name correction) that they carry.
func (s *Store) ForgetSessions(userID string) { s.sessions.dropUser(userID) }
