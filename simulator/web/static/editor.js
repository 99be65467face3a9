/* The YAML editor: CodeMirror 5 (vendored), problems at their lines, JSON Schema key completion. */
"use strict";
const Editor = (() => {
  let cm, schema = null, problems = [], marked = [];

  function resolve(node) {
    // Follow $ref and anyOf to the first variant that has keys or items.
    for (let i = 0; node && i < 20; i++) {
      if (node.$ref) { node = schema.$defs[node.$ref.split("/").pop()]; continue; }
      if (node.properties || node.items || node.additionalProperties) return node;
      const alts = node.anyOf || node.oneOf || node.allOf;
      if (!alts) return node;
      node = alts.map(resolve).find((n) => n && (n.properties || n.items || n.additionalProperties)) || alts[0];
    }
    return node;
  }

  function pathAt(line, col, dashHere) {
    // Keys (and "[]" for list items) from the top down to the mapping holding the key at (line, col).
    const path = dashHere ? ["[]"] : [];
    let indent = col;
    for (let l = line - 1; l >= 0 && indent > 0; l--) {
      const text = cm.getLine(l);
      if (!text.trim() || text.trim().startsWith("#")) continue;
      const m = text.match(/^(\s*)(-\s+)?([A-Za-z_][\w-]*)?\s*(:)?/);
      const ind = m[1].length, dash = m[2] ? m[2].length : 0, keyCol = ind + dash;
      if (keyCol === indent && dash) { path.unshift("[]"); indent = ind; continue; }
      if (keyCol < indent) {
        if (m[3] && m[4]) path.unshift(m[3]);
        if (dash) path.unshift("[]");
        indent = dash ? ind : keyCol;
      }
    }
    return path;
  }

  function nodeAt(path) {
    let node = resolve(schema);
    for (const seg of path) {
      if (!node) return null;
      if (seg === "[]") node = resolve(node.items);
      else node = resolve((node.properties || {})[seg] || node.additionalProperties);
    }
    return node;
  }

  function choices(node) {
    // The allowed values of a field (an enum, or consts and enums under anyOf).
    if (!node) return [];
    if (node.$ref) return choices(schema.$defs[node.$ref.split("/").pop()]);
    if (node.enum) return node.enum.filter((v) => v !== null);
    if (node.const !== undefined) return [node.const];
    return (node.anyOf || node.oneOf || []).flatMap(choices);
  }

  function valueHint(editor, cur, m) {
    const col = m[1].length + (m[2] ? m[2].length : 0);
    const parent = nodeAt(pathAt(cur.line, col, !!m[2]));
    const field = parent && parent.properties ? parent.properties[m[3]] : null;
    const typed = m[4] || "";
    const list = choices(field).map(String).filter((v) => v.startsWith(typed));
    return list.length ? { list, from: CodeMirror.Pos(cur.line, cur.ch - typed.length), to: cur } : null;
  }

  function hint(editor) {
    if (!schema) return null;
    const cur = editor.getCursor(), text = editor.getLine(cur.line).slice(0, cur.ch);
    const v = text.match(/^(\s*)(-\s+)?([A-Za-z_][\w-]*):\s+([\w-]*)$/);
    if (v) return valueHint(editor, cur, v);
    const m = text.match(/^(\s*)(-\s+)?([A-Za-z_][\w-]*)?$/);
    if (!m) return null;
    const col = m[1].length + (m[2] ? m[2].length : 0);
    const node = nodeAt(pathAt(cur.line, col, !!m[2]));
    if (!node || !node.properties) return null;
    const typed = m[3] || "";
    const list = Object.entries(node.properties).filter(([k]) => k.startsWith(typed)).map(([k, v]) => ({
      text: k + ": ", displayText: k + (v.description ? "  —  " + v.description.slice(0, 70) : ""),
    }));
    return { list, from: CodeMirror.Pos(cur.line, col), to: cur };
  }

  function lint() {
    return problems.filter((p) => p.here && p.line).map((p) => {
      const line = p.line - 1, ch = Math.max(0, (p.column || 1) - 1);
      const end = cm.getLine(line) !== undefined ? cm.getLine(line).length : ch + 1;
      return { from: CodeMirror.Pos(line, ch), to: CodeMirror.Pos(line, Math.max(end, ch + 1)),
               message: p.text, severity: p.warning ? "warning" : "error" };
    });
  }

  function newline(c) {
    // A new line lines up with the keys of the mapping above (inside a list item, after "- "),
    // one level deeper after a key that opens a block.
    const cur = c.getCursor(), text = c.getLine(cur.line).slice(0, cur.ch);
    const m = text.match(/^(\s*)(-\s+)?/);
    let indent = m[1].length + (m[2] ? m[2].length : 0);
    if (/:\s*$/.test(text.replace(/\s+#.*$/, ""))) indent += 2;
    c.replaceSelection("\n" + " ".repeat(indent), "end");
  }

  function create(parent, onChange) {
    cm = CodeMirror(parent, {
      mode: "yaml", lineNumbers: true, indentUnit: 2, tabSize: 2, lineWrapping: false,
      extraKeys: { "Ctrl-Space": "autocomplete", Tab: (c) => c.replaceSelection("  "), Enter: newline },
      gutters: ["CodeMirror-lint-markers", "CodeMirror-linenumbers"],
      lint: { getAnnotations: lint, lintOnChange: false }, hintOptions: { hint, completeSingle: false },
    });
    let quiet = false;
    cm.on("change", (c, change) => {
      if (quiet) return;
      onChange();
      if (change.origin === "+input" && /^[A-Za-z_]$/.test(change.text[0])) {
        const line = c.getLine(change.from.line).slice(0, change.from.ch + 1);
        if (/^\s*(-\s+)?[A-Za-z_]$/.test(line)) c.showHint({ completeSingle: false });
      }
    });
    window.capsimEditor = cm;
    return {
      get: () => cm.getValue(),
      set(text, keepCursor) {
        if (text === cm.getValue()) return;
        const cur = cm.getCursor(), scroll = cm.getScrollInfo();
        quiet = true; cm.setValue(text); quiet = false;
        if (keepCursor) { cm.setCursor(cur); cm.scrollTo(scroll.left, scroll.top); }
      },
      setSchema(s) { schema = s; },
      setProblems(list) {
        problems = list;
        marked.forEach((l) => cm.removeLineClass(l, "background", "cm-problem-line"));
        marked = list.filter((p) => p.here && p.line).map((p) => cm.addLineClass(p.line - 1, "background", "cm-problem-line"));
        cm.performLint();
      },
      goto(line, col) { cm.focus(); cm.setCursor(CodeMirror.Pos(line - 1, (col || 1) - 1)); cm.scrollIntoView(null, 120); },
      refresh() { cm.refresh(); },
    };
  }
  return { create };
})();
