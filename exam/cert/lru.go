package cert

import (
	"bytes"
	"container/list"
	"sync"
)

// lru is a small, bounded, concurrency-safe cache of values that never go
// stale: a rendered PDF for a token, or the fact that a token's signature
// and claims checked out.
type lru[V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recently used
	byKey map[string]*list.Element
}

type lruEntry[V any] struct {
	key string
	val V
}

func newLRU[V any](max int) *lru[V] {
	return &lru[V]{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruEntry[V]).val, true
	}
	var zero V
	return zero, false
}

func (c *lru[V]) put(key string, val V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = c.order.PushFront(&lruEntry[V]{key, val})
	if c.order.Len() > c.max {
		old := c.order.Remove(c.order.Back()).(*lruEntry[V])
		delete(c.byKey, old.key)
	}
}

// Cache sizes. A certificate's PDF depends only on the credential (its
// status is not printed: verification reports revocation live), keyed by
// the token, which changes whenever anything printed could; about 30 KB
// each. A verified token stays verified: keys are never changed, so only
// the database row (revocation, expiry) must be read each time.
const (
	pdfCacheEntries      = 256
	verifiedCacheEntries = 8192
)

// PDF returns the certificate's PDF in a language, rendering it on the
// first request.
func (s *Service) PDF(c Credential, lang string) ([]byte, error) {
	if _, ok := pdfWordings[lang]; !ok {
		lang = "en"
	}
	key := lang + ":" + c.Token
	if pdf, ok := s.pdfs.get(key); ok && c.Token != "" {
		return pdf, nil
	}
	var buf bytes.Buffer
	if err := s.RenderPDF(&buf, c, lang); err != nil {
		return nil, err
	}
	s.pdfs.put(key, buf.Bytes())
	return buf.Bytes(), nil
}
