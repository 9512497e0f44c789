// The exam page. The server owns the clock and every answer: this script
// shows one question at a time, saves each change at once (queueing and
// retrying while the network is down), keeps a copy of unsent answers in
// localStorage so a reload or crash loses nothing, and counts down to the
// deadline the server gave it.
"use strict";

(() => {
  const root = document.getElementById("exam");
  if (!root) return;
  const attemptId = root.dataset.attempt;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const api = "/api/v1/attempts/" + encodeURIComponent(attemptId);
  const storeKey = "mopscert:pending:" + attemptId;

  const el = (id) => document.getElementById(id);
  const view = el("question-view");
  const nav = el("navigator");
  const countdown = el("countdown");
  const announcer = el("time-announcer");
  const saveState = el("save-state");
  const progress = el("progress");
  const progressLabel = el("progress-label");
  const review = el("review");
  const actions = el("question-actions");

  let questions = [];
  let current = 0;
  let deadline = 0; // performance.now() value at which time runs out
  let closed = false;
  let inflight = false;
  let retryDelay = 1000;
  let retryTimer = null;
  const answers = new Map(); // question id -> {choices, value, flagged}
  const pending = new Map(); // answers not yet acknowledged by the server
  const announced = new Set();
  const thresholds = [15, 5, 1]; // minutes left that screen readers hear

  // The page's wording comes from the server's catalogue, in the page's
  // language, as a JSON block (inline script is forbidden by the CSP; a
  // type="application/json" block is data, not script). {n}-style
  // placeholders are filled here.
  const messages = (() => {
    try { return JSON.parse(el("exam-messages").textContent); } catch (_) { return {}; }
  })();
  function t(key, vars) {
    let s = messages[key] || key;
    Object.entries(vars || {}).forEach(([k, v]) => { s = s.split("{" + k + "}").join(String(v)); });
    return s;
  }

  function headers() {
    return { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" };
  }

  function persist() {
    try {
      if (pending.size === 0) localStorage.removeItem(storeKey);
      else localStorage.setItem(storeKey, JSON.stringify(Object.fromEntries(pending)));
    } catch (_) { /* storage full or disabled: the in-memory queue still retries */ }
  }

  function setState(kind, text) {
    saveState.classList.toggle("error", kind === "error" || kind === "offline");
    saveState.textContent = text || {
      saved: t("saved"),
      saving: t("saving"),
      offline: t("offline"),
    }[kind];
  }

  function setRemaining(seconds) {
    deadline = performance.now() + seconds * 1000;
  }

  function remaining() {
    return Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
  }

  function fmt(secs) {
    const h = Math.floor(secs / 3600);
    const m = Math.floor((secs % 3600) / 60);
    const s = secs % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0");
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  // A matching answer with every prompt blank, or a numeric one with an
  // empty box, is no answer at all.
  function isAnswered(qid) {
    const a = answers.get(qid);
    if (!a) return false;
    if (a.value && a.value.trim() !== "") return true;
    return !!(a.choices && a.choices.some((c) => c !== ""));
  }

  // plain turns sanitized HTML into text, for places that take no markup
  // (the entries of a <select>, announcements).
  function plain(html) {
    const d = document.createElement("div");
    d.innerHTML = html; // sanitized on the server; never attached to the page
    return d.textContent.trim();
  }

  const orderAnnouncer = el("order-announcer");
  let valueTimer = null;
  let saveValueNow = null; // saves a number still being typed before the view changes

  function saveTyped() {
    if (saveValueNow) saveValueNow();
    saveValueNow = null;
  }

  // renderExhibit shows the exhibit in a labelled, scrollable region; a
  // table gets a caption so screen readers name it.
  function renderExhibit(q) {
    if (!q.exhibit) return null;
    const fig = document.createElement("figure");
    fig.className = "exhibit";
    fig.id = "q-exhibit";
    fig.setAttribute("role", "region");
    fig.setAttribute("aria-label", t("exhibit_for", { n: current + 1 }));
    fig.tabIndex = 0; // scrollable by keyboard when wide
    const cap = document.createElement("figcaption");
    cap.textContent = t("exhibit");
    fig.appendChild(cap);
    const body = document.createElement("div");
    body.innerHTML = q.exhibit; // sanitized on the server
    body.querySelectorAll("table").forEach((table, i) => {
      if (!table.caption) table.createCaption().textContent = (i ? t("exhibit_table", { n: i + 1 }) : t("exhibit"));
      table.querySelectorAll("thead th").forEach((th) => th.setAttribute("scope", "col"));
    });
    fig.appendChild(body);
    return fig;
  }

  function renderNumeric(q, a, fs) {
    const row = document.createElement("div");
    row.className = "numeric";
    const label = document.createElement("label");
    label.htmlFor = "q-value";
    label.textContent = t("your_answer");
    const input = document.createElement("input");
    input.type = "text";
    input.id = "q-value";
    input.inputMode = "decimal";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.value = a.value || "";
    row.appendChild(label);
    row.appendChild(input);
    if (q.unit) {
      const unit = document.createElement("span");
      unit.className = "unit";
      unit.id = "q-unit";
      unit.textContent = q.unit;
      input.setAttribute("aria-describedby", "q-unit q-hint");
      row.appendChild(unit);
    }
    const save = () => {
      clearTimeout(valueTimer);
      const cur = answers.get(q.id) || {};
      if ((cur.value || "") === input.value) return;
      record(q.id, [], cur.flagged || false, input.value);
    };
    // Saved as typing pauses, and at once on leaving the box.
    input.addEventListener("input", () => { clearTimeout(valueTimer); valueTimer = setTimeout(save, 600); });
    input.addEventListener("change", save);
    saveValueNow = save;
    fs.appendChild(row);
  }

  // renderOrdering lists the options in the candidate's order with Move up
  // and Move down buttons; each move is saved and announced.
  function renderOrdering(q, a, fs) {
    const byId = new Map(q.options.map((o) => [o.id, o]));
    let order = (a.choices && a.choices.length === q.options.length) ? a.choices.slice() : q.options.map((o) => o.id);
    const ol = document.createElement("ol");
    ol.className = "ordering";
    ol.id = "q-order";
    const draw = (focusId, focusDir) => {
      ol.textContent = "";
      order.forEach((id, pos) => {
        const li = document.createElement("li");
        li.dataset.id = id;
        const text = document.createElement("span");
        text.className = "order-text";
        text.id = "q-order-" + id;
        text.innerHTML = byId.get(id).text; // sanitized on the server
        li.appendChild(text);
        [["up", t("move_up"), pos === 0], ["down", t("move_down"), pos === order.length - 1]].forEach(([dir, word, off]) => {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "secondary move-" + dir;
          b.textContent = word;
          b.setAttribute("aria-describedby", text.id);
          b.disabled = off;
          b.addEventListener("click", () => move(id, dir === "up" ? -1 : 1));
          li.appendChild(b);
        });
        ol.appendChild(li);
      });
      if (focusId) {
        const li = ol.querySelector('li[data-id="' + focusId + '"]');
        let b = li.querySelector(".move-" + focusDir);
        if (b.disabled) b = li.querySelector(focusDir === "up" ? ".move-down" : ".move-up");
        b.focus();
      }
    };
    const move = (id, step) => {
      const i = order.indexOf(id);
      const j = i + step;
      if (j < 0 || j >= order.length) return;
      order[i] = order[j];
      order[j] = id;
      draw(id, step < 0 ? "up" : "down");
      orderAnnouncer.textContent = plain(byId.get(id).text) + " moved to position " + (j + 1) + " of " + order.length + ".";
      const cur = answers.get(q.id) || {};
      record(q.id, order.slice(), cur.flagged || false);
    };
    draw();
    fs.appendChild(ol);
  }

  // renderMatching gives each prompt a labelled <select> of every answer.
  function renderMatching(q, a, fs) {
    const chosen = (a.choices && a.choices.length === q.options.length) ? a.choices.slice() : q.options.map(() => "");
    const list = document.createElement("div");
    list.className = "matching";
    q.options.forEach((o, p) => {
      const row = document.createElement("div");
      row.className = "match-row";
      const label = document.createElement("label");
      label.htmlFor = "q-match-" + o.id;
      label.innerHTML = o.text; // sanitized on the server
      const sel = document.createElement("select");
      sel.id = "q-match-" + o.id;
      const none = document.createElement("option");
      none.value = "";
      none.textContent = t("choose_answer");
      sel.appendChild(none);
      (q.matches || []).forEach((m) => {
        const opt = document.createElement("option");
        opt.value = m.id;
        opt.textContent = plain(m.text);
        sel.appendChild(opt);
      });
      sel.value = chosen[p] || "";
      sel.addEventListener("change", () => {
        chosen[p] = sel.value;
        const cur = answers.get(q.id) || {};
        record(q.id, chosen.slice(), cur.flagged || false);
      });
      row.appendChild(label);
      row.appendChild(sel);
      list.appendChild(row);
    });
    fs.appendChild(list);
  }

  const hints = {
    multiple: t("hint_multiple"),
    numeric: t("hint_numeric"),
    ordering: t("hint_ordering"),
    matching: t("hint_matching"),
  };

  function updateProgress() {
    const done = questions.filter((q) => isAnswered(q.id)).length;
    progress.value = done;
    progressLabel.textContent = t("progress", { n: done, total: questions.length });
  }

  function navLabel(q, i) {
    const a = answers.get(q.id);
    let label = t("question", { n: i + 1 });
    label += isAnswered(q.id) ? t("nav_answered") : t("nav_unanswered");
    if (a && a.flagged) label += t("nav_flagged");
    return label;
  }

  function buildNavigator() {
    nav.textContent = "";
    questions.forEach((q, i) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = String(i + 1);
      b.dataset.index = String(i);
      b.addEventListener("click", () => show(i));
      li.appendChild(b);
      nav.appendChild(li);
    });
    updateNavigator();
  }

  function updateNavigator() {
    nav.querySelectorAll("button").forEach((b) => {
      const i = Number(b.dataset.index);
      const q = questions[i];
      const a = answers.get(q.id);
      b.classList.toggle("answered", isAnswered(q.id));
      b.classList.toggle("flagged", !!(a && a.flagged));
      b.setAttribute("aria-label", navLabel(q, i));
      if (i === current && review.classList.contains("hidden")) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    });
  }

  function show(i) {
    current = Math.max(0, Math.min(questions.length - 1, i));
    review.classList.add("hidden");
    view.classList.remove("hidden");
    actions.classList.remove("hidden");
    const q = questions[current];
    const a = answers.get(q.id) || { choices: [], flagged: false };
    const multi = q.type === "multiple";
    saveTyped();
    view.textContent = "";

    const heading = document.createElement("h2");
    heading.id = "q-heading";
    heading.tabIndex = -1;
    heading.textContent = t("question_of", { n: current + 1, total: questions.length });
    view.appendChild(heading);

    const stem = document.createElement("div");
    stem.className = "stem";
    stem.id = "q-stem";
    stem.innerHTML = q.stem; // sanitized on the server (goldmark safe mode + bluemonday)
    view.appendChild(stem);
    const exhibit = renderExhibit(q);
    if (exhibit) view.appendChild(exhibit);

    const fs = document.createElement("fieldset");
    fs.setAttribute("aria-describedby", exhibit ? "q-stem q-exhibit q-hint" : "q-stem q-hint");
    const legend = document.createElement("legend");
    legend.className = "sr-only";
    legend.textContent = t("answer_to", { n: current + 1 });
    fs.appendChild(legend);
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.id = "q-hint";
    hint.textContent = hints[q.type] || t("hint_single");
    fs.appendChild(hint);

    if (q.type === "numeric") renderNumeric(q, a, fs);
    else if (q.type === "ordering") renderOrdering(q, a, fs);
    else if (q.type === "matching") renderMatching(q, a, fs);
    else q.options.forEach((o) => {
      const label = document.createElement("label");
      label.className = "option";
      const input = document.createElement("input");
      input.type = multi ? "checkbox" : "radio";
      input.name = "q-" + q.id;
      input.value = o.id;
      input.checked = a.choices.includes(o.id);
      input.addEventListener("change", () => {
        const picked = Array.from(fs.querySelectorAll("input:checked")).map((x) => x.value);
        record(q.id, picked, (answers.get(q.id) || {}).flagged || false);
      });
      const text = document.createElement("span");
      text.innerHTML = o.text; // sanitized on the server
      label.appendChild(input);
      label.appendChild(text);
      fs.appendChild(label);
    });
    view.appendChild(fs);

    const flagLabel = document.createElement("label");
    flagLabel.className = "flag";
    const flag = document.createElement("input");
    flag.type = "checkbox";
    flag.id = "flag";
    flag.checked = !!a.flagged;
    flag.addEventListener("change", () => {
      const cur = answers.get(q.id) || { choices: [] };
      record(q.id, cur.choices || [], flag.checked, cur.value);
    });
    flagLabel.appendChild(flag);
    flagLabel.appendChild(document.createTextNode(" " + t("flag")));
    view.appendChild(flagLabel);

    el("prev").disabled = current === 0;
    el("next").disabled = current === questions.length - 1;
    updateNavigator();
    heading.focus();
  }

  function record(qid, choices, flagged, value) {
    const a = { choices: choices, flagged: flagged };
    if (value !== undefined && value !== "") a.value = value;
    answers.set(qid, a);
    pending.set(qid, a);
    persist();
    updateNavigator();
    updateProgress();
    flush();
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }

  // flush sends queued answers one at a time, newest value per question.
  async function flush() {
    if (inflight || closed) return;
    const next = pending.entries().next();
    if (next.done) {
      setState("saved");
      return;
    }
    const [qid, a] = next.value;
    inflight = true;
    setState("saving");
    let res;
    try {
      res = await fetch(api + "/answers/" + encodeURIComponent(qid), {
        method: "PUT", headers: headers(), credentials: "same-origin", body: JSON.stringify(a),
      });
    } catch (_) {
      inflight = false;
      setState("offline");
      scheduleRetry();
      return;
    }
    inflight = false;
    if (res.ok) {
      const ack = await res.json();
      if (pending.get(qid) === a) pending.delete(qid); // unless changed again meanwhile
      persist();
      setRemaining(ack.remaining_seconds);
      retryDelay = 1000;
      flush();
      return;
    }
    const body = await res.json().catch(() => ({}));
    const msg = (body.error && body.error.message) || t("not_saved");
    if (res.status === 409) {
      closed = true;
      pending.clear();
      persist();
      finish(msg);
    } else if (res.status === 422 || res.status === 404) {
      pending.delete(qid); // the server will never take it; say so and move on
      persist();
      setState("error", msg);
      flush();
    } else if (res.status === 401) {
      setState("error", t("session_ended"));
      scheduleRetry();
    } else {
      setState("offline");
      scheduleRetry();
    }
  }

  function announceTime(secs) {
    thresholds.forEach((m) => {
      if (secs <= m * 60 && !announced.has(m)) {
        announced.add(m);
        announcer.textContent = m === 1 ? t("one_minute_left") : t("minutes_left", { n: m });
      }
    });
  }

  function tick() {
    const secs = remaining();
    countdown.textContent = fmt(secs);
    countdown.classList.toggle("low", secs <= 300);
    announceTime(secs);
    if (secs === 0 && !closed) {
      timeUp();
      return;
    }
    setTimeout(tick, 250);
  }

  async function waitForQueue(ms) {
    const until = performance.now() + ms;
    while ((pending.size > 0 || inflight) && performance.now() < until && !closed) {
      flush();
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  // timeUp sends what is queued, then lets the server close the attempt:
  // it records an automatic submission at the deadline once the grace period
  // has passed, and the result page shows it.
  async function timeUp() {
    announcer.textContent = t("time_up");
    setState("saving", t("time_up_submitting"));
    await waitForQueue(4000); // the server's grace period covers this
    closed = true;
    for (let i = 0; i < 120; i++) {
      try {
        const res = await fetch(api + "/result", { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (res.ok) break;
      } catch (_) { /* offline: keep waiting; the server closes the attempt anyway */ }
      await new Promise((r) => setTimeout(r, 1000));
    }
    localStorage.removeItem(storeKey);
    location.href = "/exam/" + encodeURIComponent(attemptId) + "/result";
  }

  async function submit() {
    await waitForQueue(10000);
    el("submit").disabled = true;
    for (let i = 0; i < 20; i++) {
      try {
        const res = await fetch(api + "/submit", { method: "POST", headers: headers(), credentials: "same-origin" });
        if (res.ok || res.status === 409) {
          closed = true;
          localStorage.removeItem(storeKey);
          location.href = "/exam/" + encodeURIComponent(attemptId) + "/result";
          return;
        }
      } catch (_) { /* offline: retry below; the server submits at the deadline anyway */ }
      setState("offline", t("submit_retrying"));
      await new Promise((r) => setTimeout(r, Math.min(1000 * (i + 1), 5000)));
    }
    el("submit").disabled = false;
  }

  function finish(message) {
    setState("error", message + " Taking you to your result…");
    setTimeout(() => { location.href = "/exam/" + encodeURIComponent(attemptId) + "/result"; }, 1500);
  }

  function listInto(ul, idxs, empty) {
    ul.textContent = "";
    if (idxs.length === 0) {
      const li = document.createElement("li");
      li.textContent = empty;
      ul.appendChild(li);
      return;
    }
    idxs.forEach((i) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "link";
      b.textContent = t("question", { n: i + 1 });
      b.addEventListener("click", () => show(i));
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  function showReview() {
    saveTyped();
    const unanswered = [];
    const flagged = [];
    questions.forEach((q, i) => {
      if (!isAnswered(q.id)) unanswered.push(i);
      const a = answers.get(q.id);
      if (a && a.flagged) flagged.push(i);
    });
    el("review-summary").textContent = t("review_summary", { n: questions.length - unanswered.length, total: questions.length });
    listInto(el("review-unanswered"), unanswered, t("none_unanswered"));
    listInto(el("review-flagged"), flagged, t("none"));
    view.classList.add("hidden");
    actions.classList.add("hidden");
    review.classList.remove("hidden");
    updateNavigator();
    review.focus();
  }

  async function load() {
    let res;
    try {
      res = await fetch(api, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    } catch (_) {
      setState("offline", t("load_offline"));
      return;
    }
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      setState("error", (body.error && body.error.message) || t("load_failed"));
      return;
    }
    const attempt = await res.json();
    if (attempt.status !== "in_progress") {
      location.href = "/exam/" + encodeURIComponent(attemptId) + "/result";
      return;
    }
    questions = attempt.questions;
    questions.forEach((q) => { if (q.answer) answers.set(q.id, q.answer); });
    // Answers given before a reload or crash that the server never confirmed.
    try {
      const saved = JSON.parse(localStorage.getItem(storeKey) || "{}");
      Object.entries(saved).forEach(([qid, a]) => {
        if (questions.some((q) => q.id === qid)) {
          answers.set(qid, a);
          pending.set(qid, a);
        }
      });
    } catch (_) { /* ignore a corrupt copy */ }
    setRemaining(attempt.remaining_seconds);
    // Thresholds already behind us on load are not announced late.
    thresholds.forEach((m) => { if (attempt.remaining_seconds <= m * 60) announced.add(m); });
    buildNavigator();
    updateProgress();
    const firstOpen = questions.findIndex((q) => !isAnswered(q.id));
    show(firstOpen >= 0 ? firstOpen : 0);
    tick();
    flush();
  }

  el("prev").addEventListener("click", () => show(current - 1));
  el("next").addEventListener("click", () => show(current + 1));
  el("to-review").addEventListener("click", showReview);
  el("back-to-questions").addEventListener("click", () => show(current));
  el("submit").addEventListener("click", () => submit());
  window.addEventListener("online", () => { retryDelay = 1000; flush(); });
  load();
})();
