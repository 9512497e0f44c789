package web

import (
	_ "embed"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"gopkg.in/yaml.v3"

	"github.com/mopscert/mopscert/bank"
)

// sampleQuestion is a practice question on a tier's information page.
type sampleQuestion struct {
	Stem    string   `yaml:"stem"`
	Options []string `yaml:"options"`
	Answer  int      `yaml:"answer"`
	Why     string   `yaml:"why"`
}

//go:embed samples.yaml
var samplesYAML []byte

// samples are parsed at start-up; a broken file fails the start.
var samples = func() map[string][]sampleQuestion {
	var m map[string][]sampleQuestion
	if err := yaml.Unmarshal(samplesYAML, &m); err != nil {
		panic(fmt.Sprintf("web/samples.yaml: %v", err))
	}
	return m
}()

// pageTier tells a candidate, before starting, what a tier covers and how
// it runs: syllabus, length, time, pass mark, retake rules, validity,
// accommodations and a few practice questions. Public.
func (s *Server) pageTier(c echo.Context) error {
	ctx := c.Request().Context()
	uid := ""
	if u := currentUser(c); u != nil {
		uid = u.ID
	}
	tiers, err := s.exams.Tiers(ctx, uid)
	if err != nil {
		return err
	}
	for _, t := range tiers {
		if t.Code != c.Param("code") {
			continue
		}
		lc := localizer(c)
		return s.render(c, http.StatusOK, "tier", page{Title: lc.tierName(t.Code, t.Name), Nav: "dashboard", Data: map[string]any{
			"Tier": t, "Areas": bank.Competencies().Syllabus(t.Code), "Samples": samples[t.Code],
			"RetakeHours": t.RetakeWaitSeconds / 3600,
			"Mix": lc.T("tier.mix", "Concepts", lc.Num(t.Blueprint[bank.Concepts]), "Tools", lc.Num(t.Blueprint[bank.Tools]),
				"Soft", lc.Num(t.Blueprint[bank.SoftSkills])),
		}})
	}
	return echo.ErrNotFound
}
