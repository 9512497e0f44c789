package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes is the whole route table, in one place, with the guard each group
// needs.
func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestID())
	e.Use(s.logRequests)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true}))
	e.Use(s.securityHeaders)
	e.Use(bodyLimit())
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: 30 * time.Second}))
	e.Use(s.auth)
	e.Use(s.language)
	e.Use(s.csrf)

	e.GET("/healthz", s.handleHealth)
	e.GET("/readyz", s.handleReady)
	e.StaticFS("/static", echo.MustSubFS(staticFS, "static"))
	// Browsers ask for /favicon.ico whatever the page links.
	e.GET("/favicon.ico", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg") })

	api := e.Group("/api/v1")
	api.POST("/auth/register", s.handleRegister)
	api.POST("/auth/login", s.handleLogin)
	api.POST("/auth/logout", s.handleLogout, requireUser)
	api.GET("/me", s.handleMe, requireUser)
	s.accountRoutes(api)

	e.GET("/", s.pageHome)
	e.GET("/login", s.pageLogin)
	e.POST("/login", s.pageLoginPost)
	e.GET("/register", s.pageRegister)
	e.POST("/register", s.pageRegisterPost)
	e.POST("/logout", s.pageLogout)
	s.accountPageRoutes()
	e.GET("/tiers/:code", s.pageTier)

	e.GET("/dashboard", s.pageDashboard, requirePageUser)
	e.POST("/exam/start", s.pageExamStart, requirePageUser)
	e.GET("/exam/:id", s.pageExam, requirePageUser)
	e.GET("/exam/:id/result", s.pageResult, requirePageUser)

	admin := e.Group("/admin", requirePageAdmin)
	admin.GET("", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/admin/items") })
	admin.GET("/items", s.pageItems)
	admin.GET("/items/new", s.pageItemEdit)
	admin.GET("/items/:id", s.pageItemEdit)
	admin.POST("/items/:id/status", s.pageItemStatus)
	admin.GET("/audit", s.pageAudit)
	admin.GET("/import", s.pageImport)
	admin.POST("/import", s.pageImportPost)
	admin.GET("/tiers", s.pageTiers)
	admin.POST("/tiers/:code", s.pageTierPost)
	admin.GET("/candidates", s.pageCandidates)
	admin.POST("/candidates/:id/accommodation", s.pageAccommodation)
	admin.GET("/certificates", s.pageCertificates)
	admin.POST("/certificates/:id/revoke", s.pageRevoke)
	admin.POST("/keys/rotate", s.pageRotate)
	s.adminCandidateRoutes(admin)

	api.GET("/tiers/:code/syllabus", s.handleSyllabus)
	s.examRoutes(api)
	s.certRoutes(api)
	s.credentialRoutes()
	adminAPI := api.Group("/admin", requireAdmin)
	s.adminRoutes(adminAPI)
	s.nameChangeRoutes(api, adminAPI)
	s.statsRoutes(api.Group("/admin/stats", requireAdmin))
	s.statsPages(admin)
	s.challengeRoutes(api)
	s.challengePages(e, admin)
	s.standardRoutes(api.Group("/admin", requireAdmin))
	s.standardPages(admin)
}

func (s *Server) handleHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// handleReady is for load balancers: ready when the database answers and its
// schema is the one this binary expects.
func (s *Server) handleReady(c echo.Context) error {
	ctx := c.Request().Context()
	// A real read and a real write (reused for a couple of seconds): a
	// ping succeeds on a damaged file or a full disk.
	if err := s.db.Probe(ctx); err != nil {
		s.log.Warn("readiness probe failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
	}
	if ok, err := s.db.Current(ctx); err != nil || !ok {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "migrations pending"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
