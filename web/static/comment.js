// The "Comment on this question" box of the exam page. It follows the
// question exam.js shows (by the "Question N of M" heading it renders) and
// saves through PUT …/questions/{id}/comment, like an answer.
(function () {
  "use strict";
  const root = document.getElementById("exam");
  const box = document.getElementById("comment-box");
  if (!root || !box) return;
  const attemptId = root.dataset.attempt;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const api = "/api/v1/attempts/" + encodeURIComponent(attemptId);
  const text = document.getElementById("comment-text");
  const state = document.getElementById("comment-state");
  const view = document.getElementById("question-view");
  const headers = { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" };
  // Wording from the page's JSON block (see exam.js).
  let messages = {};
  try { messages = JSON.parse(document.getElementById("exam-messages").textContent); } catch (_) { /* English keys show */ }
  const t = (key) => messages[key] || key;
  let ids = [];            // question ids by position - 1
  const saved = new Map(); // question id -> saved text
  let current = null;

  function currentId() {
    const h = document.getElementById("q-heading");
    const m = h && /(\d+)/.exec(h.textContent);
    return m ? ids[Number(m[1]) - 1] : null;
  }

  function follow() {
    const id = currentId();
    if (id === current) return;
    current = id;
    box.hidden = !id || view.classList.contains("hidden");
    text.value = saved.get(id) || "";
    box.open = text.value !== "";
    state.textContent = "";
  }

  async function save() {
    if (!current) return;
    const id = current;
    state.textContent = t("saving");
    try {
      const r = await fetch(api + "/questions/" + encodeURIComponent(id) + "/comment", {
        method: "PUT", headers, credentials: "same-origin", body: JSON.stringify({ text: text.value }),
      });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) {
        state.textContent = (body.error && body.error.message) || t("comment_not_saved");
        return;
      }
      saved.set(id, body.text || "");
      state.textContent = body.text ? t("comment_saved") : t("comment_removed");
    } catch (e) {
      state.textContent = t("comment_offline");
    }
  }

  document.getElementById("comment-save").addEventListener("click", save);
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); save(); }
  });

  Promise.all([
    fetch(api, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then((r) => r.json()),
    fetch(api + "/comments", { headers: { Accept: "application/json" }, credentials: "same-origin" }).then((r) => r.json()),
  ]).then(([a, c]) => {
    ids = (a.questions || []).slice().sort((x, y) => x.position - y.position).map((q) => q.id);
    (c.comments || []).forEach((k) => saved.set(k.question_id, k.text));
    new MutationObserver(follow).observe(view, { childList: true, attributes: true, attributeFilter: ["class"] });
    follow();
  }).catch(() => { box.hidden = true; });
})();
