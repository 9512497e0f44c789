package web

import (
	"net"
	"net/netip"
	"sync"
)

// DefaultMaxConnsPerClient bounds open connections from one client address:
// generous for a browser (six per host) or an office behind one NAT, small
// enough that one client cannot hold every file descriptor.
const DefaultMaxConnsPerClient = 256

// connLimitListener closes, as soon as they are accepted, connections from
// an address that already holds max open ones. Trusted proxies are exempt:
// every client behind them shares their address.
type connLimitListener struct {
	net.Listener
	max    int
	exempt []netip.Prefix

	mu   sync.Mutex
	open map[netip.Addr]int
}

func newConnLimitListener(l net.Listener, max int, exempt []netip.Prefix) net.Listener {
	if max <= 0 {
		return l
	}
	return &connLimitListener{Listener: l, max: max, exempt: exempt, open: map[netip.Addr]int{}}
}

func (l *connLimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ap, perr := netip.ParseAddrPort(c.RemoteAddr().String())
		if perr != nil || l.isExempt(ap.Addr()) {
			return c, nil
		}
		addr := ap.Addr().Unmap()
		l.mu.Lock()
		if l.open[addr] >= l.max {
			l.mu.Unlock()
			_ = c.Close()
			continue
		}
		l.open[addr]++
		l.mu.Unlock()
		return &countedConn{Conn: c, release: func() { l.release(addr) }}, nil
	}
}

func (l *connLimitListener) isExempt(a netip.Addr) bool {
	for _, p := range l.exempt {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

func (l *connLimitListener) release(a netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[a]--; l.open[a] <= 0 {
		delete(l.open, a)
	}
}

// countedConn gives its slot back once, however often it is closed.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
