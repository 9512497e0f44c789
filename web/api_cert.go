package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/exam/cert"
)

func (s *Server) certRoutes(api *echo.Group) {
	c := api.Group("/certificates", requireUser)
	c.GET("", s.handleCertificates)
	c.GET("/:id", s.handleCertificate)
	c.GET("/:id/pdf", s.handleCertificatePDF)
	c.GET("/:id/credential", s.handleCredential)
	api.GET("/verify", s.handleVerify)
	api.POST("/verify", s.handleVerifyPost)
	s.echo.GET("/.well-known/jwks.json", s.handleJWKS)
	s.echo.GET("/verify", s.pageVerify)
	s.echo.POST("/verify", s.pageVerifyPost)
	s.echo.GET("/verify/:token", s.pageVerifyToken)
}

func (s *Server) handleCertificates(c echo.Context) error {
	list, err := s.certs.ForUser(c.Request().Context(), userID(c))
	if err != nil {
		return err
	}
	if list == nil {
		list = []cert.Credential{}
	}
	for i := range list {
		list[i].RevokedNote = "" // the admins' note is not the holder's to read
	}
	return c.JSON(http.StatusOK, list)
}

// ownCertificate loads a certificate the caller may see: their own, or any
// for an admin. Someone else's is "not found", so ids cannot be probed.
func (s *Server) ownCertificate(c echo.Context) (cert.Credential, error) {
	cr, err := s.certs.Find(c.Request().Context(), c.Param("id"))
	if err != nil {
		return cert.Credential{}, err
	}
	u := currentUser(c)
	if cr.UserID != u.ID && !u.IsAdmin() {
		return cert.Credential{}, cert.ErrNotFound
	}
	if !u.IsAdmin() {
		cr.RevokedNote = "" // the admins' note is not the holder's to read
	}
	return cr, nil
}

func (s *Server) handleCertificate(c echo.Context) error {
	cr, err := s.ownCertificate(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cr)
}

func (s *Server) handleCertificatePDF(c echo.Context) error {
	cr, err := s.ownCertificate(c)
	if err != nil {
		return err
	}
	pdf, err := s.certs.PDF(cr, localizer(c).Lang) // the reader's language: ?lang=, cookie, the holder's setting
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+cr.ID+`.pdf"`)
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

var errVerifyInput = apperr.New(apperr.BadRequest, "token_or_id_required", "Give a token (?token=…) or a certificate id (?id=…).")

func (s *Server) verifyLimit(c echo.Context) error {
	return s.limits.check(c.Request().Context(), s.limits.verify, c.RealIP())
}

func (s *Server) handleVerify(c echo.Context) error {
	if err := s.verifyLimit(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	var v cert.Verification
	switch tok, id := c.QueryParam("token"), c.QueryParam("id"); {
	case tok != "":
		v = s.certs.Verify(ctx, tok)
	case id != "":
		v = s.certs.VerifyID(ctx, id)
	default:
		return errVerifyInput
	}
	return s.verification(c, v)
}

type verifyRequest struct {
	Token      string          `json:"token"`
	Credential json.RawMessage `json:"credential"` // an Open Badge: JSON-LD object or vc+jwt string
}

func (s *Server) handleVerifyPost(c echo.Context) error {
	if err := s.verifyLimit(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		pdf, err := readUpload(c, "pdf")
		if err != nil {
			return err
		}
		return s.verification(c, s.certs.VerifyPDF(ctx, pdf))
	}
	var r verifyRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if len(r.Credential) > 0 && string(r.Credential) != "null" {
		return s.verification(c, s.certs.VerifyCredential(ctx, r.Credential))
	}
	if r.Token == "" {
		return errVerifyInput
	}
	return s.verification(c, s.certs.Verify(ctx, r.Token))
}

// verification answers a check; a failure on our side (the database) is a
// 5xx, never a verdict of "invalid" about someone's genuine certificate.
func (s *Server) verification(c echo.Context, v cert.Verification) error {
	if v.Err != nil {
		return v.Err
	}
	return c.JSON(http.StatusOK, v)
}

// readUpload reads one uploaded file field, within the route's body limit.
func readUpload(c echo.Context, field string) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		if he, ok := err.(*echo.HTTPError); ok && he.Code == http.StatusRequestEntityTooLarge {
			return nil, he
		}
		if strings.Contains(err.Error(), "too large") {
			return nil, echo.ErrStatusRequestEntityTooLarge
		}
		return nil, apperr.New(apperr.BadRequest, "file_required", "Attach the file in the field \""+field+"\".")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func (s *Server) handleJWKS(c echo.Context) error {
	set, err := s.certs.JWKS(c.Request().Context())
	if err != nil {
		return err
	}
	// Short caching: verifiers may cache, and a rotation shows within minutes.
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, set)
}
