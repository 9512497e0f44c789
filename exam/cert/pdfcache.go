package cert

import (
	"bytes"
	"container/list"
	"sync"
)

// A certificate's PDF depends only on the credential (its status is not
// printed: verification reports revocation live), so rendered documents are
// kept for repeat downloads. Keyed by the token, which changes whenever
// anything printed could.
const pdfCacheEntries = 256 // about 30 KB each

type pdfCache struct {
	mu    sync.Mutex
	order *list.List // front = most recently used; values are *pdfEntry
	byKey map[string]*list.Element
}

type pdfEntry struct {
	key string
	pdf []byte
}

func (c *pdfCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*pdfEntry).pdf, true
	}
	return nil, false
}

func (c *pdfCache) put(key string, pdf []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey, c.order = map[string]*list.Element{}, list.New()
	}
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = c.order.PushFront(&pdfEntry{key, pdf})
	if c.order.Len() > pdfCacheEntries {
		old := c.order.Remove(c.order.Back()).(*pdfEntry)
		delete(c.byKey, old.key)
	}
}

// PDF returns the certificate's PDF, rendering it on the first request.
func (s *Service) PDF(c Credential) ([]byte, error) {
	if pdf, ok := s.pdfs.get(c.Token); ok && c.Token != "" {
		return pdf, nil
	}
	var buf bytes.Buffer
	if err := s.RenderPDF(&buf, c); err != nil {
		return nil, err
	}
	s.pdfs.put(c.Token, buf.Bytes())
	return buf.Bytes(), nil
}
