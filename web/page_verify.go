package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/exam/cert"
)

// maxEcho is the longest input the page puts back in its field. An id is
// 19 characters and a link to a token under 1,000; anything longer is not
// worth showing again, and echoing whatever an attacker puts in a link
// would make the page a reflector.
const maxEcho = 1000

// echoInput is what the field shows after a check: the input when it is of
// a sensible size, else nothing.
func echoInput(in string) string {
	if len(in) > maxEcho {
		return ""
	}
	return in
}

func (s *Server) verifyPage(c echo.Context, status int, v *cert.Verification, input string) error {
	if v != nil && v.Err != nil {
		return v.Err
	}
	data := map[string]any{"Input": echoInput(input)}
	if v != nil {
		data["V"] = v
	}
	return s.render(c, status, "verify", page{Title: localizer(c).T("verify.title"), Nav: "verify", Data: data})
}

func (s *Server) pageVerify(c echo.Context) error {
	if id := c.QueryParam("id"); id != "" {
		if err := s.verifyLimit(c); err != nil {
			return err
		}
		v := s.certs.VerifyID(c.Request().Context(), id)
		return s.verifyPage(c, http.StatusOK, &v, id)
	}
	return s.verifyPage(c, http.StatusOK, nil, "")
}

func (s *Server) pageVerifyToken(c echo.Context) error {
	if err := s.verifyLimit(c); err != nil {
		return err
	}
	v := s.certs.Verify(c.Request().Context(), c.Param("token"))
	return s.verifyPage(c, http.StatusOK, &v, "")
}

// pageVerifyPost takes what an employer has: a pasted link or token, a typed
// id, or the uploaded PDF. It works without JavaScript.
func (s *Server) pageVerifyPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	if err := s.verifyLimit(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if fh, err := c.FormFile("pdf"); err == nil && fh.Size > 0 {
		pdf, err := readUpload(c, "pdf")
		if err != nil {
			return err
		}
		v := s.certs.VerifyPDF(ctx, pdf)
		// The field is for a link or id: a file name there would be checked
		// as an id when the employer presses Check again.
		return s.verifyPage(c, http.StatusOK, &v, "")
	}
	if fh, err := c.FormFile("credential"); err == nil && fh.Size > 0 {
		raw, err := readUpload(c, "credential")
		if err != nil {
			return err
		}
		v := s.certs.VerifyCredential(ctx, credentialInput(raw))
		return s.verifyPage(c, http.StatusOK, &v, fh.Filename)
	}
	in := strings.TrimSpace(c.FormValue("q"))
	if in == "" {
		return s.render(c, http.StatusUnprocessableEntity, "verify", page{Title: localizer(c).T("verify.title"), Nav: "verify",
			Data:   map[string]any{"Input": ""},
			Errors: map[string]string{"q": localizer(c).T("verify.input_required")}})
	}
	var v cert.Verification
	switch {
	case strings.HasPrefix(in, "{") || isVCJWT(in):
		v = s.certs.VerifyCredential(ctx, credentialInput([]byte(in)))
	case strings.Count(tokenOf(in), ".") == 2:
		v = s.certs.Verify(ctx, tokenOf(in))
	default:
		v = s.certs.VerifyID(ctx, in)
	}
	return s.verifyPage(c, http.StatusOK, &v, in)
}

// tokenOf takes a token out of a pasted verification link, or returns the
// input as it is.
func tokenOf(in string) string {
	if u, err := url.Parse(in); err == nil && u.Path != "" {
		if i := strings.LastIndex(u.Path, "/verify/"); i >= 0 {
			return u.Path[i+len("/verify/"):]
		}
		if t := u.Query().Get("token"); t != "" {
			return t
		}
	}
	return in
}

// credentialInput turns an uploaded or pasted Open Badge into what
// VerifyCredential takes: a JSON-LD object as it is, a vc+jwt as a JSON
// string.
func credentialInput(raw []byte) json.RawMessage {
	t := strings.TrimSpace(string(raw))
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, `"`) {
		return json.RawMessage(t)
	}
	b, _ := json.Marshal(t)
	return b
}

// isVCJWT tells a vc+jwt from a certificate token by its header's typ.
func isVCJWT(in string) bool {
	head, _, ok := strings.Cut(in, ".")
	if !ok {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return false
	}
	var h struct {
		Typ string `json:"typ"`
	}
	return json.Unmarshal(b, &h) == nil && h.Typ == "vc+jwt"
}
