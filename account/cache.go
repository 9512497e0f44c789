package account

import (
	"sync"
	"time"
)

// sessionCacheTTL bounds how stale a cached session may be. Every commit by
// the writer (autosaves, thousands a second) empties the readers' SQLite
// page caches, so without this each request re-reads the session's pages
// from disk. A logout on this server takes effect at once; on another app
// server sharing the database, within this TTL.
const sessionCacheTTL = 2 * time.Second

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
	if !ok || now.Sub(e.fetched) >= sessionCacheTTL || now.Before(e.fetched) {
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

// dropUser forgets every cached session of a user whose row changed.
func (c *sessionCache) dropUser(userID string) {
	c.mu.Lock()
	for h, e := range c.m {
		if e.user.ID == userID {
			delete(c.m, h)
		}
	}
	c.mu.Unlock()
}
