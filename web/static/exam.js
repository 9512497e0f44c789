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
  const answers = new Map(); // question id -> {choices, flagged}
  const pending = new Map(); // answers not yet acknowledged by the server
  const announced = new Set();
  const thresholds = [15, 5, 1]; // minutes left that screen readers hear

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
      saved: "All answers saved",
      saving: "Saving…",
      offline: "Connection lost — your answers are kept and will be sent when it returns",
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

  function isAnswered(qid) {
    const a = answers.get(qid);
    return !!(a && a.choices && a.choices.length);
  }

  function updateProgress() {
    const done = questions.filter((q) => isAnswered(q.id)).length;
    progress.value = done;
    progressLabel.textContent = done + " of " + questions.length + " answered";
  }

  function navLabel(q, i) {
    const a = answers.get(q.id);
    let label = "Question " + (i + 1);
    label += isAnswered(q.id) ? ", answered" : ", not answered";
    if (a && a.flagged) label += ", flagged";
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
    view.textContent = "";

    const heading = document.createElement("h2");
    heading.id = "q-heading";
    heading.tabIndex = -1;
    heading.textContent = "Question " + (current + 1) + " of " + questions.length;
    view.appendChild(heading);

    const stem = document.createElement("div");
    stem.className = "stem";
    stem.id = "q-stem";
    stem.innerHTML = q.stem; // sanitized on the server (goldmark safe mode + bluemonday)
    view.appendChild(stem);

    const fs = document.createElement("fieldset");
    fs.setAttribute("aria-describedby", "q-stem q-hint");
    const legend = document.createElement("legend");
    legend.className = "sr-only";
    legend.textContent = "Answer to question " + (current + 1);
    fs.appendChild(legend);
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.id = "q-hint";
    hint.textContent = multi ? "Choose all answers that apply." : "Choose one answer.";
    fs.appendChild(hint);

    q.options.forEach((o) => {
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
      record(q.id, cur.choices || [], flag.checked);
    });
    flagLabel.appendChild(flag);
    flagLabel.appendChild(document.createTextNode(" Flag this question to review it before submitting"));
    view.appendChild(flagLabel);

    el("prev").disabled = current === 0;
    el("next").disabled = current === questions.length - 1;
    updateNavigator();
    heading.focus();
  }

  function record(qid, choices, flagged) {
    const a = { choices: choices, flagged: flagged };
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
    const msg = (body.error && body.error.message) || "The answer could not be saved.";
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
      setState("error", "Your session has ended. Sign in again in another tab; your answers are kept and will be sent.");
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
        announcer.textContent = m === 1 ? "One minute left." : m + " minutes left.";
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
    announcer.textContent = "Time is up. Your exam is being submitted.";
    setState("saving", "Time is up — submitting your exam…");
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
      setState("offline", "Could not reach the server to submit; retrying…");
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
      b.textContent = "Question " + (i + 1);
      b.addEventListener("click", () => show(i));
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  function showReview() {
    const unanswered = [];
    const flagged = [];
    questions.forEach((q, i) => {
      if (!isAnswered(q.id)) unanswered.push(i);
      const a = answers.get(q.id);
      if (a && a.flagged) flagged.push(i);
    });
    el("review-summary").textContent = (questions.length - unanswered.length) + " of " + questions.length +
      " questions answered. Once you submit you cannot change your answers.";
    listInto(el("review-unanswered"), unanswered, "None — every question has an answer.");
    listInto(el("review-flagged"), flagged, "None.");
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
      setState("offline", "Cannot reach the server. Reload the page when your connection is back; your time and answers are safe on the server.");
      return;
    }
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      setState("error", (body.error && body.error.message) || "The exam could not be loaded.");
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
