package bank

import (
	_ "embed"
	"fmt"
	"sort"
	"sync"

	"gopkg.in/yaml.v3"
)

// The competency framework is a job-task analysis of marketing operations:
// areas of work, each in one exam domain, broken into competencies with the
// tasks practitioners perform and the knowledge those tasks need. Items name
// a competency; blueprints weigh areas per tier. docs/competencies.md
// explains it.
//
//go:embed competencies.yaml
var competenciesYAML []byte

// Competency is one thing a certified practitioner can do.
type Competency struct {
	Code      string   `yaml:"code" json:"code"`
	Title     string   `yaml:"title" json:"title"`
	Tasks     []string `yaml:"tasks" json:"tasks"`
	Knowledge []string `yaml:"knowledge" json:"knowledge"`
	Area      string   `yaml:"-" json:"area"` // the code of the area it belongs to
}

// Area is a group of competencies in one domain, with its share of each
// tier's form in percent.
type Area struct {
	Code         string         `yaml:"code" json:"code"`
	Domain       Domain         `yaml:"domain" json:"domain"`
	Title        string         `yaml:"title" json:"title"`
	Weights      map[string]int `yaml:"weights" json:"weights"`
	Competencies []Competency   `yaml:"competencies" json:"competencies"`
}

// Framework is the parsed competency framework.
type Framework struct {
	Areas []Area `yaml:"areas" json:"areas"`

	byCode map[string]*Competency
	area   map[string]*Area
}

// ParseFramework reads a framework file and checks it: codes unique, each
// competency code prefixed by its area's code, domains valid, and each tier's
// weights adding up to 100.
func ParseFramework(data []byte) (*Framework, error) {
	var f Framework
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("competency framework: %w", err)
	}
	f.byCode = map[string]*Competency{}
	f.area = map[string]*Area{}
	sums := map[string]int{}
	for i := range f.Areas {
		a := &f.Areas[i]
		if a.Code == "" || f.area[a.Code] != nil {
			return nil, fmt.Errorf("competency framework: area %d: code %q is empty or repeated", i+1, a.Code)
		}
		if !a.Domain.Valid() {
			return nil, fmt.Errorf("competency framework: area %s: domain %q is not a domain", a.Code, a.Domain)
		}
		f.area[a.Code] = a
		for t, w := range a.Weights {
			if w < 0 {
				return nil, fmt.Errorf("competency framework: area %s: negative weight for %s", a.Code, t)
			}
			sums[t] += w
		}
		if len(a.Competencies) == 0 {
			return nil, fmt.Errorf("competency framework: area %s has no competencies", a.Code)
		}
		for j := range a.Competencies {
			c := &a.Competencies[j]
			c.Area = a.Code
			if c.Code == "" || f.byCode[c.Code] != nil {
				return nil, fmt.Errorf("competency framework: area %s: competency code %q is empty or repeated", a.Code, c.Code)
			}
			if len(c.Code) <= len(a.Code) || c.Code[:len(a.Code)+1] != a.Code+"." {
				return nil, fmt.Errorf("competency framework: competency %s should start with its area code %s.", c.Code, a.Code)
			}
			f.byCode[c.Code] = c
		}
	}
	// A tier must be weighed by every area, or a missing weight would go
	// unnoticed and shift the whole tier.
	for t, sum := range sums {
		if sum != 100 {
			return nil, fmt.Errorf("competency framework: the weights for tier %s add up to %d, not 100", t, sum)
		}
		for _, a := range f.Areas {
			if _, ok := a.Weights[t]; !ok {
				return nil, fmt.Errorf("competency framework: area %s has no weight for tier %s", a.Code, t)
			}
		}
	}
	return &f, nil
}

var (
	frameworkOnce sync.Once
	framework     *Framework
	frameworkErr  error
)

// Competencies returns the shipped framework, parsed once. The file is
// embedded and checked by a test, so an error here is a build mistake.
func Competencies() *Framework {
	frameworkOnce.Do(func() { framework, frameworkErr = ParseFramework(competenciesYAML) })
	if frameworkErr != nil {
		panic(frameworkErr)
	}
	return framework
}

// Competency looks a competency up by code.
func (f *Framework) Competency(code string) (*Competency, bool) {
	c, ok := f.byCode[code]
	return c, ok
}

// Area looks an area up by code.
func (f *Framework) Area(code string) (*Area, bool) {
	a, ok := f.area[code]
	return a, ok
}

// AreaOf returns the area a competency belongs to.
func (f *Framework) AreaOf(code string) (*Area, bool) {
	c, ok := f.byCode[code]
	if !ok {
		return nil, false
	}
	return f.Area(c.Area)
}

// AreasIn returns the areas of one domain, in file order.
func (f *Framework) AreasIn(d Domain) []*Area {
	var out []*Area
	for i := range f.Areas {
		if f.Areas[i].Domain == d {
			out = append(out, &f.Areas[i])
		}
	}
	return out
}

// Tiers lists the tiers the framework weighs, sorted.
func (f *Framework) Tiers() []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range f.Areas {
		for t := range a.Weights {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Weights returns each area's percent of the tier's form; nil for a tier the
// framework does not weigh.
func (f *Framework) Weights(tier string) map[string]int {
	var out map[string]int
	for _, a := range f.Areas {
		if w, ok := a.Weights[tier]; ok {
			if out == nil {
				out = map[string]int{}
			}
			out[a.Code] = w
		}
	}
	return out
}

// SyllabusArea is one area as a tier's syllabus shows it.
type SyllabusArea struct {
	Code         string       `json:"code"`
	Title        string       `json:"title"`
	Domain       Domain       `json:"domain"`
	Weight       int          `json:"weight"` // percent of the tier's form
	Competencies []Competency `json:"competencies"`
}

// Syllabus is what a tier examines: its areas, heaviest first, with their
// competencies. Areas weighted 0 for the tier are left out; a tier the
// framework does not know has an empty syllabus.
func (f *Framework) Syllabus(tier string) []SyllabusArea {
	var out []SyllabusArea
	for _, a := range f.Areas {
		w := a.Weights[tier]
		if w <= 0 {
			continue
		}
		out = append(out, SyllabusArea{Code: a.Code, Title: a.Title, Domain: a.Domain, Weight: w, Competencies: a.Competencies})
	}
	// Stable, so equal weights keep the file's order.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Weight > out[j].Weight })
	return out
}
