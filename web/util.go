package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/apperr"
)

func logLevel(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}

var (
	errNotJSON = apperr.New(apperr.BadRequest, "unsupported_media_type", "Send JSON with Content-Type: application/json.")
)

// decodeJSON reads exactly one JSON value into v, refusing unknown fields so
// a typo in a field name is an error instead of silently ignored.
func decodeJSON(c echo.Context, v any) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mt != echo.MIMEApplicationJSON {
		return errNotJSON
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.New(apperr.BadRequest, "invalid_json", "The body must hold exactly one JSON value.")
	}
	return nil
}

func jsonError(err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he // body limit
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return apperr.New(apperr.BadRequest, "invalid_json", "The request body is empty.")
	case errors.As(err, &syn):
		return apperr.New(apperr.BadRequest, "invalid_json", fmt.Sprintf("The JSON is malformed near byte %d.", syn.Offset))
	case errors.As(err, &typ):
		return apperr.New(apperr.BadRequest, "invalid_json", fmt.Sprintf("Field %q has the wrong type (want %s).", typ.Field, typ.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return apperr.New(apperr.BadRequest, "unknown_field", "Unknown field "+f+".").With("field", strings.Trim(f, `"`))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.BadRequest, "invalid_json", "The JSON ends too early.")
	}
	if strings.Contains(err.Error(), "request body too large") {
		return echo.ErrStatusRequestEntityTooLarge
	}
	return apperr.New(apperr.BadRequest, "invalid_json", "The JSON could not be read.")
}
