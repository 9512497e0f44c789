package web

import (
	"github.com/labstack/echo/v4"
)

// The public documents an independent verifier dereferences: the issuer
// (Profile and controller of our keys), each tier's Achievement, and the
// signed status lists. None needs a session; all may be cached briefly.

func (s *Server) credentialRoutes() {
	e := s.echo
	e.GET("/issuer", s.handleIssuer)
	e.GET("/achievements/:tier", s.handleAchievement)
	e.GET("/status/:list", s.handleStatusList)
}

// handleIssuer serves the controller document (keys under assertionMethod,
// the DID v1 context first); ?view=profile gives the Open Badges Profile.
func (s *Server) handleIssuer(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	if c.QueryParam("view") == "profile" {
		return jsonAs(c, mimeLD, s.certs.IssuerProfileDocument())
	}
	doc, err := s.certs.IssuerDocument(c.Request().Context())
	if err != nil {
		return err
	}
	return jsonAs(c, mimeLD, doc)
}

func (s *Server) handleAchievement(c echo.Context) error {
	a, err := s.achievement(c.Request().Context(), c.Param("tier"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return jsonAs(c, mimeLD, s.certs.AchievementDocument(a))
}

func (s *Server) handleStatusList(c echo.Context) error {
	doc, err := s.certs.StatusList(c.Request().Context(), c.Param("list"))
	if err != nil {
		return err
	}
	// Short: a revocation should reach verifiers within a minute.
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return jsonAs(c, mimeVCLD, doc)
}
