// The item editor: a live, sanitized preview with the lint findings beside
// it, saving through the JSON API, and the version history with a diff.
"use strict";

(() => {
  const form = document.getElementById("item-form");
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const id = form.dataset.id;
  const optionsBox = document.getElementById("options");
  const preview = document.getElementById("preview");
  const lint = document.getElementById("lint");
  const formError = document.getElementById("form-error");
  // The page's wording, in its language, from a JSON block (the CSP allows
  // no inline script); {name} placeholders are filled from vars.
  const block = document.getElementById("admin-messages");
  const words = block ? JSON.parse(block.textContent) : {};
  const msg = (key, vars) => String(words[key] || key).replace(/\{(\w+)\}/g, (_, k) => (vars && k in vars ? vars[k] : "{" + k + "}"));

  function optionRow(text, correct, feedback, match) {
    const n = optionsBox.querySelectorAll(".opt-row").length + 1;
    const row = document.createElement("div");
    row.className = "opt-row";
    const mk = (labelText, input) => {
      const l = document.createElement("label");
      l.append(labelText, input);
      return l;
    };
    const t = document.createElement("input");
    t.name = "opt-text";
    t.value = text || "";
    const c = document.createElement("input");
    c.type = "checkbox";
    c.name = "opt-correct";
    c.checked = !!correct;
    const f = document.createElement("input");
    f.name = "opt-feedback";
    f.value = feedback || "";
    const m = document.createElement("input");
    m.name = "opt-match";
    m.value = match || "";
    const right = document.createElement("label");
    right.className = "opt-correct";
    right.append(c, " " + msg("correct"));
    const matchLabel = mk(msg("match") + " ", m);
    matchLabel.className = "opt-match";
    row.append(mk(msg("option", { n }) + " ", t), right, matchLabel, mk(msg("feedback") + " ", f));
    optionsBox.appendChild(row);
    showTypeFields();
    return row;
  }

  // showTypeFields shows what the chosen type uses: the numeric key, the
  // correct boxes (not for ordering or matching), the match inputs.
  function showTypeFields() {
    const t = form.type.value;
    document.getElementById("numeric-key").classList.toggle("hidden", t !== "numeric");
    optionsBox.classList.toggle("hidden", t === "numeric");
    document.getElementById("add-option").classList.toggle("hidden", t === "numeric");
    optionsBox.querySelectorAll(".opt-correct").forEach((x) => x.classList.toggle("hidden", t === "ordering" || t === "matching"));
    optionsBox.querySelectorAll(".opt-match").forEach((x) => x.classList.toggle("hidden", t !== "matching"));
    document.getElementById("options-hint").textContent = {
      ordering: msg("hint_ordering"),
      matching: msg("hint_matching"),
    }[t] || msg("hint_options");
  }

  // num reads a number field; an empty or unreadable one is sent as NaN's
  // stand-in null so the server names the field.
  function num(v) {
    const x = Number(String(v).trim().replace(",", "."));
    return String(v).trim() === "" || !isFinite(x) ? null : x;
  }

  function collect() {
    const item = {
      domain: form.domain.value,
      tiers: Array.from(form.querySelectorAll('input[name="tiers"]:checked')).map((x) => x.value),
      topic: form.topic.value,
      type: form.type.value,
      competency: form.competency.value,
      group: form.group.value,
      stem: form.stem.value,
      exhibit: form.exhibit.value,
      options: Array.from(optionsBox.querySelectorAll(".opt-row")).map((row) => ({
        text: row.querySelector('[name="opt-text"]').value,
        correct: row.querySelector('[name="opt-correct"]').checked,
        match: row.querySelector('[name="opt-match"]').value,
        feedback: row.querySelector('[name="opt-feedback"]').value,
      })).filter((o) => o.text.trim() !== "" || o.correct || o.match.trim() !== ""),
      rationale: form.rationale.value,
      source: form.source.value,
    };
    const t = item.type;
    if (t === "numeric") {
      item.options = [];
      item.numeric = { value: num(form["num-value"].value), tolerance: num(form["num-tolerance"].value) || 0, unit: form["num-unit"].value };
      if (item.numeric.value === null) delete item.numeric; // the server says the key is missing
    }
    item.options.forEach((o) => {
      if (t === "ordering" || t === "matching") o.correct = false;
      if (t !== "matching") delete o.match;
    });
    // The editor has no fields for the translations: keep those that still
    // match the options (an edit that adds or removes an option needs the
    // variant translated again, so that one is left out of the new version).
    const tr = JSON.parse(form.dataset.translations || "null");
    if (tr) {
      const kept = {};
      for (const [lang, v] of Object.entries(tr)) {
        if ((v.options || []).length === item.options.length) kept[lang] = v;
      }
      if (Object.keys(kept).length) item.translations = kept;
    }
    if (form.id && form.id.value) item.id = form.id.value;
    if (id) item.version = Number(form.dataset.version);
    return item;
  }

  async function api(method, url, body) {
    const res = await fetch(url, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    return { ok: res.ok, status: res.status, data };
  }

  let timer = null;
  function schedulePreview() {
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, 300);
  }

  async function refreshPreview() {
    const item = collect();
    delete item.version;
    const r = await api("POST", "/api/v1/admin/items/preview", item);
    if (!r.ok) return;
    preview.innerHTML = ""; // the server sanitized every fragment below
    const stem = document.createElement("div");
    stem.innerHTML = r.data.stem;
    preview.appendChild(stem);
    if (r.data.exhibit) {
      const fig = document.createElement("figure");
      fig.className = "exhibit";
      const cap = document.createElement("figcaption");
      cap.textContent = msg("exhibit");
      const body = document.createElement("div");
      body.innerHTML = r.data.exhibit;
      fig.append(cap, body);
      preview.appendChild(fig);
    }
    if (item.type === "numeric") {
      const p = document.createElement("p");
      p.textContent = item.numeric
        ? msg(item.numeric.unit ? "answer_box_unit" : "answer_box", { unit: item.numeric.unit }) + " " +
          msg(item.numeric.tolerance ? "key_tolerance" : "key_exact", { value: item.numeric.value, tolerance: item.numeric.tolerance })
        : msg("answer_box") + " " + msg("key_unset");
      preview.appendChild(p);
    } else {
      const list = document.createElement(item.type === "ordering" ? "ol" : "ul");
      (r.data.options || []).forEach((html, i) => {
        const li = document.createElement("li");
        li.innerHTML = html;
        if (item.type === "matching" && r.data.matches) {
          const m = document.createElement("span");
          m.innerHTML = r.data.matches[i] || "";
          li.append(" → ", m);
        } else if (item.options[i] && item.options[i].correct) li.append(" ✓ (" + msg("correct") + ")");
        list.appendChild(li);
      });
      if (item.type === "ordering") {
        const p = document.createElement("p");
        p.className = "hint";
        p.textContent = msg("order_note");
        preview.appendChild(p);
      }
      preview.appendChild(list);
    }
    lint.textContent = "";
    const findings = r.data.findings || [];
    if (findings.length === 0) {
      const li = document.createElement("li");
      li.textContent = msg("no_findings");
      lint.appendChild(li);
    }
    findings.forEach((f) => {
      const li = document.createElement("li");
      li.className = "finding-" + f.severity;
      li.textContent = msg(f.severity === "error" ? "lint_error" : "lint_warning", { message: f.message });
      lint.appendChild(li);
    });
  }

  function showErrors(err) {
    formError.textContent = err.message || msg("not_saved");
    document.getElementById("err-stem").textContent = "";
    ["err-options", "err-numeric", "err-group", "err-exhibit"].forEach((x) => { document.getElementById(x).textContent = ""; });
    const fields = err.fields || {};
    Object.entries(fields).forEach(([k, v]) => {
      const target = k === "stem" ? "err-stem" : k.startsWith("options") ? "err-options" : k.startsWith("numeric") ? "err-numeric"
        : k === "group" ? "err-group" : k === "exhibit" ? "err-exhibit" : null;
      if (target) document.getElementById(target).textContent += v + " ";
      else formError.textContent += " " + k + ": " + v;
    });
    formError.focus();
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const item = collect();
    const r = id ? await api("PUT", "/api/v1/admin/items/" + encodeURIComponent(id), item)
      : await api("POST", "/api/v1/admin/items", item);
    if (!r.ok) {
      showErrors(r.data.error || {});
      return;
    }
    location.href = "/admin/items/" + encodeURIComponent(r.data.id) + "?saved=1";
  });

  form.type.addEventListener("change", () => {
    if (form.type.value === "true_false") {
      optionsBox.querySelectorAll(".opt-row").forEach((r) => r.remove());
      optionRow("True", true, "");
      optionRow("False", false, "");
    }
    showTypeFields();
    schedulePreview();
  });
  document.getElementById("add-option").addEventListener("click", () => {
    optionRow("", false, "").querySelector("input").focus();
  });
  form.addEventListener("input", schedulePreview);
  form.addEventListener("change", schedulePreview);

  if (optionsBox.querySelectorAll(".opt-row").length === 0) {
    for (let i = 0; i < 4; i++) optionRow("", false, "");
  }
  showTypeFields();
  if (new URLSearchParams(location.search).get("saved")) {
    const saved = document.getElementById("form-saved");
    saved.textContent = msg("saved");
    saved.classList.remove("hidden");
  }
  refreshPreview();

  // Version history and diff.
  const a = document.getElementById("diff-a");
  const b = document.getElementById("diff-b");
  if (!id || !a) return;
  let versions = [];

  function text(v) {
    const lines = ["domain: " + v.domain, "tiers: " + (v.tiers || []).join(", "), "topic: " + v.topic, "type: " + v.type, "stem:"];
    v.stem.split("\n").forEach((l) => lines.push("  " + l));
    if (v.competency) lines.push("competency: " + v.competency);
    if (v.group) lines.push("group: " + v.group);
    if (v.exhibit) {
      lines.push("exhibit:");
      v.exhibit.split("\n").forEach((l) => lines.push("  " + l));
    }
    if (v.numeric) lines.push("numeric: " + v.numeric.value + " ± " + v.numeric.tolerance + (v.numeric.unit ? " " + v.numeric.unit : ""));
    lines.push("options:");
    v.options.forEach((o) => {
      lines.push("  - " + (v.type === "ordering" ? "" : v.type === "matching" ? "" : o.correct ? "[x] " : "[ ] ") + o.text +
        (o.match ? " → " + o.match : ""));
      if (o.feedback) lines.push("    feedback: " + o.feedback);
    });
    lines.push("rationale: " + v.rationale, "source: " + v.source);
    return lines;
  }

  // diffLines is a plain LCS line diff: items are short.
  function diffLines(x, y) {
    const m = x.length, n = y.length;
    const t = Array.from({ length: m + 1 }, () => new Array(n + 1).fill(0));
    for (let i = m - 1; i >= 0; i--) for (let j = n - 1; j >= 0; j--) {
      t[i][j] = x[i] === y[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
    }
    const out = [];
    let i = 0, j = 0;
    while (i < m && j < n) {
      if (x[i] === y[j]) { out.push([" ", x[i]]); i++; j++; }
      else if (t[i + 1][j] >= t[i][j + 1]) out.push(["-", x[i++]]);
      else out.push(["+", y[j++]]);
    }
    while (i < m) out.push(["-", x[i++]]);
    while (j < n) out.push(["+", y[j++]]);
    return out;
  }

  function renderDiff() {
    const va = versions.find((v) => v.version === Number(a.value));
    const vb = versions.find((v) => v.version === Number(b.value));
    const pre = document.getElementById("diff");
    pre.textContent = "";
    if (!va || !vb) return;
    diffLines(text(va), text(vb)).forEach(([op, line]) => {
      const span = document.createElement("span");
      span.className = op === "+" ? "add" : op === "-" ? "del" : "";
      span.textContent = op + " " + line + "\n";
      pre.appendChild(span);
    });
  }

  api("GET", "/api/v1/admin/items/" + encodeURIComponent(id) + "/versions").then((r) => {
    if (!r.ok) return;
    versions = r.data.versions;
    versions.forEach((v) => {
      a.add(new Option(msg("version", { n: v.version }), v.version));
      b.add(new Option(msg("version", { n: v.version }), v.version));
    });
    a.value = String(versions.length > 1 ? versions[versions.length - 2].version : versions[0].version);
    b.value = String(versions[versions.length - 1].version);
    renderDiff();
    const ev = document.getElementById("events");
    (r.data.events || []).forEach((e) => {
      const li = document.createElement("li");
      li.textContent = e.at.replace("T", " ").slice(0, 16) + " — " + e.actor + ": " + e.action +
        (e.to_status ? " " + (e.from_status || "") + " → " + e.to_status : "") + " (v" + e.version + ")";
      if (e.detail) {
        // Automatic changes say why: the flag and the figures behind it.
        try {
          const d = JSON.parse(e.detail);
          const f = d.flag || {};
          li.textContent += " — " + (f.code || "") + " in " + (d.tier || "") + ": n " + d.n +
            (d.facility != null ? ", facility " + d.facility.toFixed(2) : "") +
            (d.item_rest_r != null ? ", item–rest r " + d.item_rest_r.toFixed(2) : "") +
            ". " + msg("restore_hint");
        } catch (_) { /* a detail we cannot read is left out */ }
      }
      ev.appendChild(li);
    });
  });
  a.addEventListener("change", renderDiff);
  b.addEventListener("change", renderDiff);
})();
