package web

import (
	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/exam"
)

// recordArrival stamps each request with the server's time on arrival, before
// any middleware that may wait for the database (a session refresh queues on
// the writer), so a late answer is judged by when it was sent, not by when
// the writer reached it.
func (s *Server) recordArrival(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		c.SetRequest(r.WithContext(exam.WithArrival(r.Context(), s.clock.Now())))
		return next(c)
	}
}
