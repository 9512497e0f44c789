package web

import (
	"net"
	"testing"
	"time"
)

// A client address holding max connections gets its next one closed at
// once; when one of its connections ends, it may open another.
func TestConnLimitPerClient(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newConnLimitListener(inner, 2, nil)
	defer l.Close()
	accepted := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := dial(), dial()
	first := <-accepted
	<-accepted
	extra := dial()
	_ = extra.SetReadDeadline(time.Now().Add(10 * time.Second)) // a safety net, not an assertion
	if _, err := extra.Read(make([]byte, 1)); err == nil {
		t.Fatal("a third connection from the same address was kept open")
	}
	_ = first.Close()
	c := dial()
	select {
	case <-accepted:
	case <-time.After(10 * time.Second):
		t.Fatal("no connection accepted after one was closed")
	}
	for _, x := range []net.Conn{a, b, c, extra} {
		x.Close()
	}
}
