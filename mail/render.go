package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

//go:embed templates
var templateFS embed.FS

// Rendered is a message ready to send: subject, plain text and HTML.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// Renderer words messages from their kind and arguments, in the reader's
// language. Each language has one text file (subject and plain text per
// kind) and one HTML file; German is added as de.txt.tmpl/de.html.tmpl.
type Renderer struct {
	baseURL string
	text    map[string]*texttemplate.Template
	html    map[string]*htmltemplate.Template
}

// Languages are those the renderer has wording for; the first is the
// fallback.
var Languages = []string{"en", "de"}

// NewRenderer parses the templates; links are made absolute with baseURL.
func NewRenderer(baseURL string) (*Renderer, error) {
	r := &Renderer{baseURL: strings.TrimRight(baseURL, "/"), text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	for _, lang := range Languages {
		funcs := wordsFuncs(lang)
		funcs["link"] = r.link
		t, err := texttemplate.New(lang).Option("missingkey=zero").Funcs(funcs).ParseFS(templateFS, "templates/"+lang+".txt.tmpl")
		if err != nil {
			return nil, fmt.Errorf("mail templates %s: %w", lang, err)
		}
		h, err := htmltemplate.New(lang).Option("missingkey=zero").Funcs(funcs).ParseFS(templateFS, "templates/"+lang+".html.tmpl")
		if err != nil {
			return nil, fmt.Errorf("mail templates %s: %w", lang, err)
		}
		r.text[lang], r.html[lang] = t, h
	}
	return r, nil
}

func (r *Renderer) link(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return r.baseURL + path
}

// Render words m. An unknown kind or language is an error (for kinds) or
// falls back to English (for languages).
func (r *Renderer) Render(m *Message) (Rendered, error) {
	lang := m.Language
	if r.text[lang] == nil {
		lang = Languages[0]
	}
	data := map[string]any{"Args": m.Args, "To": m.To}
	var out Rendered
	var b bytes.Buffer
	for _, part := range []struct {
		name string
		dst  *string
	}{{m.Kind + ".subject", &out.Subject}, {m.Kind + ".text", &out.Text}} {
		b.Reset()
		if r.text[lang].Lookup(part.name) == nil {
			return Rendered{}, fmt.Errorf("render %s: no template %s", m.Kind, part.name)
		}
		if err := r.text[lang].ExecuteTemplate(&b, part.name, data); err != nil {
			return Rendered{}, fmt.Errorf("render %s: %w", part.name, err)
		}
		*part.dst = strings.TrimSpace(b.String())
	}
	out.Subject = strings.Join(strings.Fields(out.Subject), " ")
	out.Text += "\n"
	b.Reset()
	if err := r.html[lang].ExecuteTemplate(&b, "layout", map[string]any{"Args": m.Args, "To": m.To, "Kind": m.Kind + ".html", "Subject": out.Subject}); err != nil {
		return Rendered{}, fmt.Errorf("render %s html: %w", m.Kind, err)
	}
	out.HTML = b.String()
	return out, nil
}
