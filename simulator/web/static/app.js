/* The workbench: open a scenario, edit it, re-run on every valid change, pin, save, download. */
"use strict";
const $ = (id) => document.getElementById(id);
const state = { path: null, answer: null, assumptions: null, fields: [], horizon: null, pins: [],
                seq: 0, controller: null, t0: null, latencies: [], serverTimes: [] };
window.capsim = state;
let editor, timer = null;

async function api(url, body) {
  const opts = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  if (body && body.channel === "live") {
    if (state.controller) state.controller.abort();
    state.controller = new AbortController(); opts.signal = state.controller.signal;
  }
  const r = await fetch(url, opts);
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).detail || r.statusText);
  return r;
}

function draft(extra) {
  return Object.assign({ path: state.path, text: editor.get(), replications: +$("reps").value,
                         channel: "live", lang: LANG }, extra || {});
}

function status(text, cls) {
  // `text` is a word key with what follows it ([key, rest]) or plain text.
  state.status = [text, cls];
  const s = $("status");
  s.textContent = Array.isArray(text) ? t(text[0]) + text[1] : text;
  s.className = "status " + (cls || "");
}

async function run(edits) {
  const seq = ++state.seq;
  status(["running", ""], "busy");
  let res;
  try {
    res = await (await api("/api/run", draft({ edits: edits || {} }))).json();
  } catch (e) {
    if (e.name !== "AbortError") status(String(e.message || e), "bad");
    return;
  }
  if (res.superseded || seq !== state.seq) return;
  if (res.text !== undefined) editor.set(res.text, true);
  showProblems(res.problems || [], res.warnings || []);
  if (!res.ok) { status(["invalid", ""], "bad"); return; }
  state.answer = res.answer; state.assumptions = res.assumptions;
  state.fields = res.fields; state.horizon = res.horizon;
  Form.render($("form"), res.fields, res.horizon, formEdit);
  render();
  if (state.t0 !== null) {
    const ms = performance.now() - state.t0;
    state.latencies.push(ms); state.serverTimes.push(res.server_s * 1000); state.t0 = null;
    status(["updated", ` · ${(ms / 1000).toFixed(2)} s`], "ok");
  } else status(["updated", ` · ${res.answer.replications.toLocaleString()}×`], "ok");
  document.body.dataset.updated = String(seq);
}

function formEdit(edit) {
  // A value written in the open text changes in place (the server only re-reads the text);
  // anything else (a new key, an inherited value, a distribution) is written by the server.
  state.t0 = performance.now();
  const [path] = Object.keys(edit), value = edit[path];
  const f = state.fields.find((x) => x.path === path);
  if (f && f.at && Object.keys(edit).length === 1 && (typeof value === "number" || typeof value === "string")) {
    const lines = editor.get().split("\n"), line = lines[f.at.line - 1];
    lines[f.at.line - 1] = line.slice(0, f.at.start) + String(value) + line.slice(f.at.end);
    editor.set(lines.join("\n"), true);
    return run();
  }
  return run(edit);
}

function showProblems(problems, warnings) {
  const all = problems.concat(warnings.map((w) => Object.assign({ warning: true }, w)));
  editor.setProblems(all);
  $("nprob").textContent = problems.length || "";
  const ul = $("problems");
  ul.innerHTML = "";
  all.forEach((p) => {
    const li = document.createElement("li");
    li.className = p.warning ? "warn" : "err";
    li.textContent = p.text + (p.here ? "" : " " + t("other"));
    if (p.here && p.line) li.addEventListener("click", () => editor.goto(p.line, p.column));
    ul.appendChild(li);
  });
  document.body.classList.toggle("stale", problems.length > 0);
  const inv = $("invalid");
  inv.hidden = !problems.length;
  inv.textContent = problems.length ? `${problems.length} ${t("problems")}: ${problems[0].text}` : "";
}

function card(a, tg) {
  const p = tg.probability_met, cls = p >= 0.8 ? "good" : p >= 0.5 ? "mid" : "low";
  const label = a.types[tg.type] ? pick(a.types[tg.type], "label") : tg.type;
  return `<div class="card ${cls}" data-target="${tg.type}">
    <div class="what">${label} ${Charts.pf(tg.target_p)}P · ${t("by")} ${tg.by}</div>
    <div class="big" data-pmet="${p}">${(p * 100).toFixed(p > 0 && p < 0.01 ? 1 : 0)}%<small>${t("pmet")}</small></div>
    <dl><dt>${t("capat")}</dt><dd>${Charts.pf(tg.capacity_p50)}P [${Charts.pf(tg.capacity_p10)}–${Charts.pf(tg.capacity_p90)}]</dd>
    <dt>${t("gap")}</dt><dd>${Charts.pf(tg.gap_p50)}P</dd>
    <dt>${t("metby")}</dt><dd>${tg.month_met_p50 || t("never")}</dd></dl></div>`;
}

function render() {
  const a = state.answer;
  if (!a) return;
  $("sname").textContent = pick(a, "name") + `  ·  ${a.replications.toLocaleString()} × seed ${a.seed}`;
  $("cards").innerHTML = a.targets.map((tg) => card(a, tg)).join("");
  const sel = $("dtype"), keep = sel.value;
  sel.innerHTML = Object.keys(a.types).map((k) => `<option value="${k}">${pick(a.types[k], "label")}</option>`).join("");
  sel.value = keep && a.types[keep] ? keep : (a.targets[0] || {}).type || Object.keys(a.types)[0];
  Charts.fan($("fan"), a); Charts.gantt($("gantt"), a); Charts.demand($("demand"), a, sel.value); Charts.money($("money"), a);
  renderCompare();
}

function renderCompare() {
  const pins = state.pins;
  $("compare").hidden = !pins.length;
  if (!pins.length) return;
  const types = [...new Set(pins.flatMap((p) => p.answer.targets.map((x) => x.type)))];
  const head = `<tr><th></th>${types.map((ty) => `<th>${pick(pins[0].answer.types[ty] || { label: ty }, "label")} ${t("pmet")}</th><th>${t("capat")}</th>`).join("")}</tr>`;
  const rows = pins.map((p, k) => `<tr><td><i style="background:${Charts.PINS[k]}"></i>${p.label}</td>${types.map((ty) => {
    const tg = p.answer.targets.find((x) => x.type === ty);
    return tg ? `<td class="num">${(tg.probability_met * 100).toFixed(0)}%</td><td class="num">${Charts.pf(tg.capacity_p50)}P [${Charts.pf(tg.capacity_p10)}–${Charts.pf(tg.capacity_p90)}]</td>` : "<td></td><td></td>";
  }).join("")}</tr>`);
  $("ctable").innerHTML = head + rows.join("");
  Charts.overlay($("cfan"), pins);
  const keys = [...new Set(pins.flatMap((p) => Object.keys(p.assumptions)))].filter((k) => !/^(name|name_en|description)$/.test(k) && !k.endsWith(".name_en"));
  const fmt = (v) => (v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const differ = keys.filter((k) => new Set(pins.map((p) => fmt(p.assumptions[k]))).size > 1).sort();
  $("cdiff").innerHTML = `<tr><th></th>${pins.map((p) => `<th>${p.label}</th>`).join("")}</tr>` +
    (differ.length ? differ.map((k) => `<tr><td class="key">${k}</td>${pins.map((p) => `<td>${fmt(p.assumptions[k])}</td>`).join("")}</tr>`).join("")
      : `<tr><td colspan="${pins.length + 1}">—</td></tr>`);
}

async function openFile(path) {
  const res = await (await api("/api/file?path=" + encodeURIComponent(path))).json();
  state.path = path; state.savedText = res.text; localStorage.setItem("capsim.file", path);
  editor.set(res.text); $("form").innerHTML = "";
  await run();
}

async function loadFiles(select) {
  const res = await (await api("/api/files")).json();
  $("file").innerHTML = res.files.map((f) => `<option>${f}</option>`).join("");
  const want = select || localStorage.getItem("capsim.file");
  const path = res.files.includes(want) ? want : res.files.includes("dianjun-baseline.yaml") ? "dianjun-baseline.yaml" : res.files[0];
  $("file").value = path;
  return path;
}

function pin() {
  if (!state.answer || state.pins.length >= 4) return;
  const letter = "ABCD"[state.pins.length];
  const dirty = state.savedText !== editor.get() ? "*" : "";
  state.pins.push({ label: `${letter} · ${pick(state.answer, "name")}${dirty}`, answer: state.answer, assumptions: state.assumptions });
  $("pin").disabled = state.pins.length >= 4;
  renderCompare();
  $("compare").scrollIntoView({ behavior: "smooth" });
}

async function download(kind) {
  status(["running", ""], "busy");
  try {
    const blob = await (await api("/api/download/" + kind, draft({ channel: "download" }))).blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = kind === "run.zip" ? state.path.replace(/\.ya?ml$/, "") + ".zip" : kind;
    document.body.appendChild(a); a.click(); a.remove();
    status(["download", ` ${kind}`], "ok");
  } catch (e) { status(String(e.message || e), "bad"); }
}

function saveDialog() {
  const stem = state.path.replace(/\.ya?ml$/, "");
  $("savefile").value = `${stem}-whatif-${new Date().toISOString().slice(5, 16).replace(/[-:T]/g, "")}.yaml`;
  $("savename").value = (state.answer ? pick(state.answer, "name") : stem) + (LANG === "zh" ? "（假设）" : " (what-if)");
  $("saveerr").textContent = "";
  $("savedlg").showModal();
}

async function save(ev) {
  ev.preventDefault();
  try {
    const res = await (await api("/api/save", { path: state.path, text: editor.get(), target: $("savefile").value, name: $("savename").value })).json();
    if (!res.ok) { $("saveerr").textContent = res.problems.map((p) => p.text).join("\n"); return; }
    $("savedlg").close();
    await loadFiles(res.path);
    await openFile(res.path);
    status(["saved", ` ${res.path}` + (res.lost.length ? ` · ${t("lost")}${res.lost.join(", ")}` : "")], "ok");
  } catch (e) { $("saveerr").textContent = String(e.message || e); }
}

async function main() {
  applyWords();
  editor = Editor.create($("editor"), () => { clearTimeout(timer); timer = setTimeout(() => run(), 300); });
  document.querySelectorAll(".tabs button").forEach((b) => b.addEventListener("click", () => {
    document.querySelectorAll(".tabs button, .pane").forEach((x) => x.classList.remove("on"));
    b.classList.add("on"); $(b.dataset.tab).classList.add("on"); editor.refresh();
  }));
  $("lang").addEventListener("click", () => {
    LANG = LANG === "zh" ? "en" : "zh"; localStorage.setItem("capsim.lang", LANG); applyWords();
    if (state.status) status(...state.status);
    if (state.fields.length) Form.render($("form"), state.fields, state.horizon, formEdit);
    render();
  });
  $("file").addEventListener("change", () => openFile($("file").value));
  $("reps").addEventListener("change", () => run());
  $("dtype").addEventListener("change", () => Charts.demand($("demand"), state.answer, $("dtype").value));
  $("pin").addEventListener("click", pin);
  $("unpin").addEventListener("click", () => { state.pins = []; $("pin").disabled = false; renderCompare(); });
  $("saveas").addEventListener("click", saveDialog);
  $("savego").addEventListener("click", save);
  document.querySelectorAll("[data-dl]").forEach((b) => b.addEventListener("click", () => download(b.dataset.dl)));
  api("/api/schema").then((r) => r.json()).then((s) => editor.setSchema(s));
  await openFile(await loadFiles());
}
main();
