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
  const previewDe = document.getElementById("preview-de");
  const deBox = document.getElementById("de-options");
  const deDetails = document.getElementById("variant-de");
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

  // The German fieldset: one row per English option, each showing the
  // English it translates. Rows follow the English ones by position.
  function germanRow() {
    const i = deBox.querySelectorAll(".de-opt-row").length;
    const row = document.createElement("div");
    row.className = "opt-row de-opt-row";
    const ref = document.createElement("p");
    ref.className = "hint ref";
    ref.id = "ref-opt-" + i;
    const span = (key, lang) => {
      const x = document.createElement("span");
      x.dataset.ref = key;
      if (lang) x.lang = lang;
      return x;
    };
    const matchWrap = span("opt-match-wrap");
    matchWrap.className = "opt-match";
    matchWrap.append(" → ", span("opt-match", "en"));
    ref.append(msg("option", { n: i + 1 }) + " · " + msg("english_ref") + " ", span("opt-text", "en"), matchWrap, span("opt-feedback-wrap"));
    const mk = (labelText, name, cls) => {
      const l = document.createElement("label");
      const input = document.createElement("input");
      input.name = name;
      input.lang = "de";
      if (name === "de-opt-text") input.setAttribute("aria-describedby", "ref-opt-" + i + " err-de-opt-" + i);
      l.append(labelText + " ", input);
      if (cls) l.className = cls;
      return l;
    };
    const err = document.createElement("p");
    err.className = "error-text";
    err.id = "err-de-opt-" + i;
    row.append(ref, mk(msg("de_option", { n: i + 1 }), "de-opt-text"), mk(msg("de_match"), "de-opt-match", "opt-match"),
      mk(msg("de_feedback"), "de-opt-feedback"), err);
    deBox.appendChild(row);
    return row;
  }

  const deField = (name) => form.querySelector('[name="' + name + '"]');

  // germanState says whether the German fields are all empty, all filled
  // (what the English has) or in between, for the summary line.
  function germanState(item) {
    const de = germanValues(item, null);
    const filled = [de.stem, de.exhibit, de.rationale].concat(de.options.flatMap((o) => [o.text, o.feedback || "", o.match || ""]))
      .filter((x) => x.trim() !== "").length;
    if (filled === 0) return "absent";
    const need = (item.stem ? 1 : 0) + (item.exhibit ? 1 : 0) + (item.rationale ? 1 : 0) +
      item.options.reduce((n, o) => n + 1 + (o.feedback ? 1 : 0) + (o.match ? 1 : 0), 0);
    const done = (de.stem.trim() && item.stem ? 1 : 0) + (de.exhibit.trim() && item.exhibit ? 1 : 0) + (de.rationale.trim() && item.rationale ? 1 : 0) +
      item.options.reduce((n, o, k) => {
        const d = de.options[k] || {};
        return n + ((d.text || "").trim() ? 1 : 0) + (o.feedback && (d.feedback || "").trim() ? 1 : 0) + (o.match && (d.match || "").trim() ? 1 : 0);
      }, 0);
    return done >= need ? "present" : "partial";
  }

  // syncGerman keeps the German rows in step with the English options and
  // the English references beside each German field up to date.
  function syncGerman() {
    if (!deBox) return;
    const en = Array.from(optionsBox.querySelectorAll(".opt-row"));
    let de = Array.from(deBox.querySelectorAll(".de-opt-row"));
    while (de.length < en.length) de.push(germanRow());
    while (de.length > en.length) de.pop().remove();
    const t = form.type.value;
    en.forEach((row, i) => {
      const ref = (k) => de[i].querySelector('[data-ref="' + k + '"]');
      ref("opt-text").textContent = row.querySelector('[name="opt-text"]').value;
      ref("opt-match").textContent = row.querySelector('[name="opt-match"]').value;
      const fb = row.querySelector('[name="opt-feedback"]').value;
      ref("opt-feedback-wrap").textContent = fb ? " · " + msg("feedback") + ": " + fb : "";
      de[i].querySelectorAll(".opt-match").forEach((x) => x.classList.toggle("hidden", t !== "matching"));
    });
    form.querySelectorAll("#variant-de [data-ref]").forEach((x) => {
      const src = { stem: "stem", exhibit: "exhibit", rationale: "rationale", "num-unit": "num-unit" }[x.dataset.ref];
      if (src) x.textContent = form[src].value;
    });
    deBox.classList.toggle("hidden", t === "numeric");
    document.getElementById("de-unit-field").classList.toggle("hidden", t !== "numeric");
    document.getElementById("de-exhibit-field").classList.toggle("hidden", !form.exhibit.value.trim() && !deField("de-exhibit").value.trim());
    const item = collectEnglish();
    document.getElementById("de-state").textContent = msg("de_" + germanState(item));
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

  // kept lists, for the last collect, which option rows went into the item
  // (empty rows are left out), so a German field error finds its row.
  let kept = [];

  function collectEnglish() {
    const rows = Array.from(optionsBox.querySelectorAll(".opt-row"));
    const item = {
      domain: form.domain.value,
      tiers: Array.from(form.querySelectorAll('input[name="tiers"]:checked')).map((x) => x.value),
      topic: form.topic.value,
      type: form.type.value,
      competency: form.competency.value,
      group: form.group.value,
      stem: form.stem.value,
      exhibit: form.exhibit.value,
      options: rows.map((row, i) => ({
        i,
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
    kept = item.options.map((o) => o.i);
    item.options.forEach((o) => {
      delete o.i;
      if (t === "ordering" || t === "matching") o.correct = false;
      if (t !== "matching") delete o.match;
    });
    return item;
  }

  // germanValues reads the German fields for the options the item kept.
  function germanValues(item, rows) {
    rows = rows || Array.from(deBox ? deBox.querySelectorAll(".de-opt-row") : []);
    const de = {
      stem: deField("de-stem") ? deField("de-stem").value : "",
      exhibit: deField("de-exhibit") ? deField("de-exhibit").value : "",
      rationale: deField("de-rationale") ? deField("de-rationale").value : "",
      options: item.type === "numeric" ? [] : kept.map((i) => {
        const row = rows[i];
        const v = (n) => (row ? row.querySelector('[name="' + n + '"]').value : "");
        const o = { text: v("de-opt-text"), feedback: v("de-opt-feedback") };
        if (item.type === "matching") o.match = v("de-opt-match");
        return o;
      }),
    };
    if (item.type === "numeric" && deField("de-unit")) de.unit = deField("de-unit").value;
    return de;
  }

  function collect() {
    const item = collectEnglish();
    // Other languages the editor has no fields for ride along while they
    // still fit the options; German comes from its fields, and is sent only
    // when some German field is filled (the server refuses a partial one).
    const tr = JSON.parse(form.dataset.translations || "null") || {};
    const out = {};
    for (const [lang, v] of Object.entries(tr)) {
      if (lang !== "de" && (v.options || []).length === item.options.length) out[lang] = v;
    }
    if (deBox) {
      const de = germanValues(item, null);
      const any = [de.stem, de.exhibit, de.rationale, de.unit || ""].concat(de.options.flatMap((o) => [o.text, o.feedback, o.match || ""]))
        .some((x) => x.trim() !== "");
      if (any) out.de = de;
    }
    if (Object.keys(out).length) item.translations = out;
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

  // renderPreview draws one language's rendering of the item into box;
  // r holds the server-sanitized fragments, numeric the key to describe.
  function renderPreview(box, r, item, unit) {
    box.innerHTML = ""; // the server sanitized every fragment below
    const stem = document.createElement("div");
    stem.innerHTML = r.stem;
    box.appendChild(stem);
    if (r.exhibit) {
      const fig = document.createElement("figure");
      fig.className = "exhibit";
      const cap = document.createElement("figcaption");
      cap.textContent = msg("exhibit");
      const body = document.createElement("div");
      body.innerHTML = r.exhibit;
      fig.append(cap, body);
      box.appendChild(fig);
    }
    if (item.type === "numeric") {
      const p = document.createElement("p");
      p.textContent = item.numeric
        ? msg(unit ? "answer_box_unit" : "answer_box", { unit }) + " " +
          msg(item.numeric.tolerance ? "key_tolerance" : "key_exact", { value: item.numeric.value, tolerance: item.numeric.tolerance })
        : msg("answer_box") + " " + msg("key_unset");
      box.appendChild(p);
    } else {
      const list = document.createElement(item.type === "ordering" ? "ol" : "ul");
      (r.options || []).forEach((html, i) => {
        const li = document.createElement("li");
        li.innerHTML = html;
        if (item.type === "matching" && r.matches) {
          const m = document.createElement("span");
          m.innerHTML = r.matches[i] || "";
          li.append(" → ", m);
        } else if (item.options[i] && item.options[i].correct) li.append(" ✓ (" + msg("correct") + ")");
        list.appendChild(li);
      });
      if (item.type === "ordering") {
        const p = document.createElement("p");
        p.className = "hint";
        p.textContent = msg("order_note");
        box.appendChild(p);
      }
      box.appendChild(list);
    }
  }

  async function refreshPreview() {
    const item = collect();
    delete item.version;
    const r = await api("POST", "/api/v1/admin/items/preview", item);
    if (!r.ok) return;
    renderPreview(preview, r.data, item, item.numeric && item.numeric.unit);
    if (previewDe) {
      const de = r.data.variants && r.data.variants.de;
      if (de) {
        renderPreview(previewDe, de, item, (item.translations.de.unit || "").trim() || (item.numeric && item.numeric.unit));
      } else {
        previewDe.textContent = msg("de_none");
      }
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

  // showErrors puts each field error next to its field: the English ones
  // as before, the German ones (translations.de.…) beside the German field,
  // opening the German part when it holds one.
  function showErrors(err) {
    formError.textContent = err.message || msg("not_saved");
    form.querySelectorAll('.error-text[id^="err-"]').forEach((x) => { x.textContent = ""; });
    form.querySelectorAll('[aria-invalid="true"]').forEach((x) => x.removeAttribute("aria-invalid"));
    const fields = err.fields || {};
    let german = false;
    const put = (target, v, input) => {
      const el = document.getElementById(target);
      if (!el) return false;
      el.textContent += v + " ";
      if (input) input.setAttribute("aria-invalid", "true");
      return true;
    };
    Object.entries(fields).forEach(([k, v]) => {
      const de = k.match(/^translations\.de(?:\.(stem|exhibit|rationale|unit|options)(?:\[(\d+)\]\.(text|feedback|match))?)?$/);
      if (de) {
        german = true;
        const [, part, n, sub] = de;
        if (n !== undefined) {
          const i = kept[Number(n)] !== undefined ? kept[Number(n)] : Number(n);
          const row = deBox.querySelectorAll(".de-opt-row")[i];
          if (put("err-de-opt-" + i, v, row && row.querySelector('[name="de-opt-' + sub + '"]'))) return;
        } else if (part && part !== "unit" && put("err-de-" + part, v, part === "options" ? null : deField("de-" + part))) return;
        put("err-de", v);
        return;
      }
      const target = k === "stem" ? "err-stem" : k.startsWith("options") ? "err-options" : k.startsWith("numeric") ? "err-numeric"
        : k === "group" ? "err-group" : k === "exhibit" ? "err-exhibit" : null;
      if (target) document.getElementById(target).textContent += v + " ";
      else formError.textContent += " " + k + ": " + v;
    });
    if (german && deDetails) {
      deDetails.open = true;
      formError.textContent += " " + msg("de_errors");
    }
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
    syncGerman();
    schedulePreview();
  });
  document.getElementById("add-option").addEventListener("click", () => {
    const row = optionRow("", false, "");
    syncGerman();
    row.querySelector("input").focus();
  });
  form.addEventListener("input", (e) => {
    // A field being corrected loses its old error at once.
    const x = e.target;
    if (x.getAttribute && x.getAttribute("aria-invalid") === "true") {
      x.removeAttribute("aria-invalid");
      (x.getAttribute("aria-describedby") || "").split(" ").filter((d) => d.startsWith("err-"))
        .forEach((d) => { document.getElementById(d).textContent = ""; });
      const row = x.closest(".de-opt-row");
      if (row && !row.querySelector('[aria-invalid="true"]')) row.querySelector(".error-text").textContent = "";
    }
    syncGerman();
    schedulePreview();
  });
  form.addEventListener("change", () => { syncGerman(); schedulePreview(); });

  if (optionsBox.querySelectorAll(".opt-row").length === 0) {
    for (let i = 0; i < 4; i++) optionRow("", false, "");
  }
  showTypeFields();
  syncGerman();
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
