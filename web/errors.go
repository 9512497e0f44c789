package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/apperr"
)

// status maps an apperr kind to its HTTP status: the one place that knows.
var status = map[apperr.Kind]int{
	apperr.Internal:     http.StatusInternalServerError,
	apperr.Invalid:      http.StatusUnprocessableEntity,
	apperr.BadRequest:   http.StatusBadRequest,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Conflict:     http.StatusConflict,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.TooMany:      http.StatusTooManyRequests,
	apperr.TooLarge:     http.StatusRequestEntityTooLarge,
	apperr.Unavailable:  http.StatusServiceUnavailable,
}

// Echo's own errors (routing, body limit, method) by status.
var echoCodes = map[int]*apperr.Error{
	http.StatusNotFound:              apperr.New(apperr.NotFound, "not_found", "There is nothing at this address."),
	http.StatusMethodNotAllowed:      apperr.New(apperr.BadRequest, "method_not_allowed", "This address does not accept that method."),
	http.StatusRequestEntityTooLarge: apperr.New(apperr.TooLarge, "body_too_large", "The request is larger than this endpoint accepts."),
	http.StatusUnsupportedMediaType:  apperr.New(apperr.BadRequest, "unsupported_media_type", "Send JSON with Content-Type: application/json."),
	http.StatusBadRequest:            apperr.New(apperr.BadRequest, "bad_request", "The request could not be read."),
	http.StatusForbidden:             apperr.New(apperr.Forbidden, "forbidden", "You are not allowed to do that."),
	http.StatusUnauthorized:          apperr.New(apperr.Unauthorized, "unauthenticated", "Please sign in."),
	http.StatusTooManyRequests:       apperr.New(apperr.TooMany, "rate_limited", "Too many requests; wait a moment and try again."),
}

var errInternal = apperr.New(apperr.Internal, "internal_error", "Something went wrong on our side. Please try again.")

// toAppErr turns any error into the caller-facing error and its status.
func toAppErr(err error) (*apperr.Error, int) {
	if ae, ok := apperr.As(err); ok {
		if code, ok := status[ae.Kind]; ok && ae.Kind != apperr.Internal {
			return ae, code
		}
		return errInternal, http.StatusInternalServerError
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if ae, ok := echoCodes[he.Code]; ok {
			return ae, he.Code
		}
		if he.Code < 500 {
			return apperr.New(apperr.BadRequest, "bad_request", http.StatusText(he.Code)), he.Code
		}
	}
	return errInternal, http.StatusInternalServerError
}

type errorBody struct {
	Error map[string]any `json:"error"`
}

// handleError is Echo's one error handler: JSON for the API, an HTML page
// for people. Only server faults are logged, and they show users a plain
// "something went wrong" without detail.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae, code := toAppErr(err)
	if code >= 500 {
		s.log.ErrorContext(c.Request().Context(), "request failed", "err", err, "path", c.Path(),
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
		if secs := retryAfterSeconds(ae.Extra["retry_after"], s.clock.Now()); secs > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		}
	}
	if wantsHTML(c) {
		_ = s.renderError(c, code, ae)
		return
	}
	w := localizer(c).worded(ae)
	body := map[string]any{"code": ae.Code, "message": w.Message}
	if len(w.Fields) > 0 {
		body["fields"] = w.Fields
		if fc := fieldCodes(ae); len(fc) > 0 {
			body["field_codes"] = fc
		}
	}
	if len(ae.Lines) > 0 {
		body["lines"] = w.Lines
	}
	for k, v := range ae.Extra {
		if _, taken := body[k]; !taken {
			body[k] = v
		}
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(code)
		return
	}
	_ = c.JSON(code, errorBody{Error: body})
}

// wantsHTML is true for page requests: everything outside the JSON API and
// the well-known paths.
func wantsHTML(c echo.Context) bool {
	p := c.Request().URL.Path
	return !strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/.well-known/") && p != "/healthz" && p != "/readyz"
}

// retryAfterSeconds reads an error's retry_after, either seconds (rate
// limits) or an RFC 3339 time (retake rules), as seconds from now.
func retryAfterSeconds(v any, now time.Time) int {
	switch ra := v.(type) {
	case int:
		return ra
	case string:
		if t, err := time.Parse(time.RFC3339, ra); err == nil {
			return max(1, int(t.Sub(now).Seconds()+0.999))
		}
	}
	return 0
}
