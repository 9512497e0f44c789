package exam

import (
	"context"
	"time"
)

// Lateness is judged by when a request reached the server, not by when the
// single writer got round to it: an answer sent before the deadline and
// grace must not be refused because an import or a burst of saves held the
// queue. The web layer records the arrival as the first thing it does with a
// request; callers without one (the CLI, tests) get the time SaveAnswer was
// called.

type arrivalKey struct{}

// WithArrival returns ctx carrying t as the time the request arrived.
func WithArrival(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, arrivalKey{}, t)
}

// arrival is the time recorded by WithArrival, or now when there is none.
func arrival(ctx context.Context, now time.Time) time.Time {
	if t, ok := ctx.Value(arrivalKey{}).(time.Time); ok && !t.IsZero() && t.Before(now) {
		return t
	}
	return now
}
