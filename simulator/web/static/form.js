/* The form of the inputs planners change most; each change becomes an edit of the YAML text. */
"use strict";
const Form = (() => {
  const mi = (s) => { const [y, m] = s.split("-").map(Number); return y * 12 + m - 1; };
  const ms = (i) => Math.floor(i / 12) + "-" + String((i % 12) + 1).padStart(2, "0");
  const el = (tag, attrs, kids) => {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => (k === "text" ? (e.textContent = v) : e.setAttribute(k, v)));
    (kids || []).forEach((k) => e.appendChild(k));
    return e;
  };

  function monthSlider(f, horizon, edit) {
    const lo = mi(horizon.start) - 12, hi = mi(horizon.end), v = mi(f.value);
    const out = el("output", { text: f.value });
    const input = el("input", { type: "range", min: Math.min(lo, v), max: Math.max(hi, v), step: 1, value: v, "data-path": f.path });
    input.addEventListener("input", () => (out.textContent = ms(+input.value)));
    input.addEventListener("change", () => edit({ [f.path]: ms(+input.value) }));
    return [input, out];
  }

  function share(f, edit, max) {
    const pct = (x) => Math.round(x * 100) + "%";
    const out = el("output", { text: pct(f.value) });
    const input = el("input", { type: "range", min: 0, max: max, step: 0.05, value: f.value, "data-path": f.path });
    input.addEventListener("input", () => (out.textContent = pct(+input.value)));
    input.addEventListener("change", () => edit({ [f.path]: +input.value }));
    return [input, out];
  }

  function duration(f, edit) {
    const v = typeof f.value === "number" ? { min: f.value, mode: f.value, max: f.value } : f.value;
    const boxes = ["min", "mode", "max"].map((k) => el("input", { type: "number", min: 0, step: 1, value: v[k], "data-path": f.path + "." + k, title: k }));
    boxes.forEach((b) => b.addEventListener("change", () => {
      const [a, m, z] = boxes.map((x) => +x.value);
      edit({ [f.path]: a === m && m === z ? a : { min: a, mode: m, max: z } });
    }));
    return [el("span", { class: "dur" }, boxes)];
  }

  function choice(f, edit) {
    const s = el("select", { "data-path": f.path }, f.choices.map((c) => el("option", { value: c, text: t(c) })));
    s.value = f.value;
    s.addEventListener("change", () => edit({ [f.path]: s.value }));
    return [s];
  }

  function row(label, controls) {
    return el("div", { class: "row" }, [el("label", { text: label }), el("div", { class: "ctl" }, controls)]);
  }

  function render(root, fields, horizon, edit) {
    const open = new Set([...root.querySelectorAll("details[open]")].map((d) => d.dataset.key));
    const first = !root.childElementCount, top = root.scrollTop;
    root.innerHTML = "";
    const groups = {};
    const group = (key, title) => {
      if (!groups[key]) {
        const d = el("details", { "data-key": key }, [el("summary", { text: title })]);
        if (first || open.has(key)) d.open = true;
        groups[key] = d; root.appendChild(d);
      }
      return groups[key];
    };
    const controls = (f) => ({ month: () => monthSlider(f, horizon, edit), duration: () => duration(f, edit),
                               probability: () => share(f, edit, 1), rate: () => share(f, edit, 1),
                               choice: () => choice(f, edit) })[f.kind]();
    fields.forEach((f) => {
      if (f.facility) {
        const g = group("build", t("build"));
        const head = pick(f, "facility") + " · " + pick(f, "phase");
        let box = g.querySelector(`[data-head="${CSS.escape(head)}"]`);
        if (!box) { box = el("div", { class: "sub", "data-head": head }, [el("h3", { text: head })]); g.appendChild(box); }
        box.appendChild(row(t(f.what), controls(f)));
      } else if (f.what === "growth") {
        group("growth", t("growth")).appendChild(row(pick(f, "tenant"), controls(f)));
      } else if (f.tenant) {
        const g = group("negot", t("negot"));
        const head = pick(f, "tenant");
        let box = g.querySelector(`[data-head="${CSS.escape(head)}"]`);
        if (!box) { box = el("div", { class: "sub", "data-head": head }, [el("h3", { text: head })]); g.appendChild(box); }
        box.appendChild(row(t(f.what), controls(f)));
      } else if (f.event) {
        group("events", t("events")).appendChild(row(pick(f, "event"), controls(f)));
      } else {
        group("sched", t("sched")).appendChild(row(t(f.what), controls(f)));
      }
    });
    ["build", "negot", "events", "sched", "growth"].forEach((k) => groups[k] && root.appendChild(groups[k]));
    if (first && groups.growth) groups.growth.open = false;
    root.scrollTop = top;  // an edit keeps the form where the planner was
  }
  return { render };
})();
