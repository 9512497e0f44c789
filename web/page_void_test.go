package web

import (
	"net/url"
	"strings"
	"testing"
)

// Voiding asks once more on a page of its own, and a void item opens read
// only; the version diff is a focusable region.
func TestVoidConfirmationAndReadOnly(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "/admin/items")
	var items struct {
		Items []struct{ ID, Status string } `json:"items"`
	}
	ts.call(t, "GET", "/api/v1/admin/items?status=active&limit=1", ts.admin, nil).decode(t, &items)
	if len(items.Items) == 0 {
		t.Fatal("no active item")
	}
	id := items.Items[0].ID
	status := func() string {
		var it struct{ Status string }
		ts.call(t, "GET", "/api/v1/admin/items/"+id, ts.admin, nil).decode(t, &it)
		return it.Status
	}

	page := b.get("/admin/items/" + id)
	if !strings.Contains(string(page.body), `id="diff" class="diff" aria-live="polite" tabindex="0" role="region"`) {
		t.Error("the version diff is not a focusable region")
	}
	r := b.post("/admin/items/"+id+"/status", url.Values{"status": {"void"}})
	if r.status != 200 || !strings.Contains(string(r.body), `id="confirm-void"`) {
		t.Fatalf("void without confirmation: %d, want the confirmation page", r.status)
	}
	if got := status(); got != "active" {
		t.Fatalf("the item is %s before the confirmation", got)
	}
	r = b.post("/admin/items/"+id+"/status", url.Values{"status": {"void"}, "confirm": {"1"}})
	if r.status != 303 {
		t.Fatalf("confirmed void: %d %s", r.status, r.body)
	}
	if got := status(); got != "void" {
		t.Fatalf("after confirming, the item is %s", got)
	}
	page = b.get("/admin/items/" + id)
	body := string(page.body)
	if !strings.Contains(body, `id="void-note"`) || !strings.Contains(body, `<fieldset class="plain" disabled>`) || strings.Contains(body, `id="save"`) {
		t.Error("a void item opens as an editable form")
	}
}
