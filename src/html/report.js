"use strict";
// spinscan report: draws the data block. Article text is only ever set with textContent.
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const A = D.articles; // [path, title, date, url, role, family, farm, generation, copied_from]
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };
  const name = (i) => (i === null || i === undefined ? "" : A[i][0]);

  // Overview: counts, families by size, most-copied originals, sites that copy most.
  const ov = document.getElementById("overview");
  const copies = D.pairs.length;
  ov.appendChild(el("p", D.total_articles + " articles, " + copies + " copy pairs, " +
    D.families.length + " families"));
  const copiedFrom = {};
  const copier = {};
  for (const p of D.pairs) {
    if (p[5] === null) continue;
    const copy = p[5] === p[1] ? p[2] : p[1];
    copiedFrom[p[5]] = (copiedFrom[p[5]] || 0) + 1;
    const url = A[copy][3];
    const m = /^[a-z]+:\/\/([^\/:?#]+)/i.exec(url || "");
    if (m) copier[m[1].replace(/^www\./, "")] = (copier[m[1].replace(/^www\./, "")] || 0) + 1;
  }
  const top = (obj, n) => Object.entries(obj).sort((x, y) => y[1] - x[1]).slice(0, n);
  const list = (title, rows) => {
    if (!rows.length) return;
    ov.appendChild(el("h3", title));
    const ul = el("ul");
    for (const [k, v] of rows) ul.appendChild(el("li", k + " (" + v + ")"));
    ov.appendChild(ul);
  };
  list("Most-copied sources", top(copiedFrom, 10).map(([i, v]) => [A[i][0] + (A[i][1] ? " - " + A[i][1] : ""), v]));
  list("Sites that copy most", top(copier, 10));
  if (D.copy_pairs > Object.keys(D.evidence).length) {
    ov.appendChild(el("p", "Evidence (texts side by side) is embedded for the " +
      Object.keys(D.evidence).length + " highest-scoring copy pairs (at most " + D.evidence_cap +
      "); spinscan explain A B shows any pair.", "muted"));
  }

  // Families: a small graph each (arrows from source to copy), then the members.
  const SVG = "http://www.w3.org/2000/svg";
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  };
  const famBox = document.getElementById("families");
  const byFamily = {};
  for (const p of D.pairs) {
    const f = A[p[1]][5];
    if (f && f === A[p[2]][5]) (byFamily[f] = byFamily[f] || []).push(p);
  }
  const fams = D.families.slice().sort((x, y) => y.members.length - x.members.length).slice(0, 60);
  for (const f of fams) {
    const box = el("div", null, "fam");
    box.id = "family-" + f.name;
    box.appendChild(el("h3", f.name + ": " + f.members.length + " articles" +
      (f.outside ? ", source not in the folder" : "")));
    const n = f.members.length + (f.outside ? 1 : 0);
    const size = 300, r = n > 1 ? 118 : 0, cx = size / 2, cy = size / 2;
    const pos = {};
    const nodes = f.outside ? ["outside"].concat(f.members) : f.members.slice();
    nodes.forEach((m, k) => {
      const t = (2 * Math.PI * k) / nodes.length - Math.PI / 2;
      pos[m] = [cx + r * Math.cos(t), cy + r * Math.sin(t)];
    });
    const svg = svgEl("svg", { width: size, height: size, viewBox: "0 0 " + size + " " + size, role: "img" });
    const defs = svgEl("defs", {});
    const marker = svgEl("marker", { id: "arrow-" + f.name, viewBox: "0 0 10 10", refX: 18, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
    marker.appendChild(svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#555" }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    const edge = (s, c, label, dashed) => {
      const [x1, y1] = pos[s], [x2, y2] = pos[c];
      const line = svgEl("line", { x1, y1, x2, y2, stroke: "#777", "stroke-width": 1.3, "marker-end": "url(#arrow-" + f.name + ")" });
      if (dashed) line.setAttribute("stroke-dasharray", "4 3");
      const title = svgEl("title", {});
      title.textContent = label;
      line.appendChild(title);
      svg.appendChild(line);
      if (!dashed) {
        const t = svgEl("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 2, "font-size": 8, fill: "#555", "text-anchor": "middle" });
        t.textContent = label.replace(", confidence ", " ");
        svg.appendChild(t);
      }
    };
    // Who copied whom: each member's most likely source (its copied_from), as a tree.
    const pairOf = {};
    for (const p of byFamily[f.name] || []) pairOf[p[1] + "-" + p[2]] = p;
    for (const m of f.members) {
      const s = A[m][8];
      if (s !== null && s !== undefined && pos[s]) {
        const p = pairOf[Math.min(s, m) + "-" + Math.max(s, m)];
        edge(s, m, p ? p[4] + ", confidence " + p[6] : "copy", false);
      } else if (f.outside) {
        edge("outside", m, "from a source not in the folder", true);
      }
    }
    for (const m of nodes) {
      const [x, y] = pos[m];
      const isOrig = m === f.original;
      const c = svgEl("circle", { cx: x, cy: y, r: 9, fill: m === "outside" ? "#fff" : isOrig ? "#c0392b" : "#2e86c1", stroke: "#333", "stroke-dasharray": m === "outside" ? "3 2" : "none" });
      const title = svgEl("title", {});
      title.textContent = m === "outside" ? "source not in the folder" : A[m][0];
      c.appendChild(title);
      svg.appendChild(c);
      const t = svgEl("text", { x: x + 11, y: y + 4, "font-size": 10 });
      t.textContent = m === "outside" ? "source?" : String(nodes.indexOf(m) + (f.outside ? 0 : 1));
      svg.appendChild(t);
    }
    box.appendChild(svg);
    const ol = el("ol");
    for (const m of f.members) {
      const a = A[m];
      const li = el("li", a[0] + " - " + a[4] + (a[2] ? ", " + a[2] : "") + (a[6] ? ", farm: " + a[6] : ""));
      if (a[1]) li.appendChild(el("div", a[1], "muted"));
      if (a[3]) li.appendChild(el("div", a[3], "muted"));
      ol.appendChild(li);
    }
    if (f.outside) ol.start = 1;
    box.appendChild(ol);
    famBox.appendChild(box);
  }
  if (!D.families.length) famBox.appendChild(el("p", "No families.", "muted"));

  // Copy pairs: sortable, filterable, searchable; a click shows the pair's evidence.
  const table = document.getElementById("pairs");
  const cols = [["a", (p) => name(p[1])], ["b", (p) => name(p[2])], ["score", (p) => p[3]],
    ["relation", (p) => p[4]], ["source", (p) => (p[5] === null ? "" : p[5] === p[1] ? "a" : "b")],
    ["confidence", (p) => (p[6] === null ? "" : p[6])], ["evidence", (p) => p[7]],
    ["family", (p) => A[p[1]][5]]];
  const relSel = document.getElementById("relation");
  for (const r of [...new Set(D.pairs.map((p) => p[4]))].sort()) relSel.appendChild(el("option", r)).value = r;
  let sortCol = 2, sortDir = -1;
  const head = el("tr");
  cols.forEach(([c], k) => {
    const th = el("th", c);
    th.addEventListener("click", () => { sortDir = sortCol === k ? -sortDir : (k === 2 || k === 5 ? -1 : 1); sortCol = k; draw(); });
    head.appendChild(th);
  });
  const body = el("tbody");
  table.appendChild(el("thead")).appendChild(head);
  table.appendChild(body);
  const LIMIT = 2000;
  function draw() {
    const q = document.getElementById("search").value.toLowerCase();
    const rel = relSel.value;
    const min = parseFloat(document.getElementById("minscore").value) || 0;
    const hit = (i) => A[i][0].toLowerCase().includes(q) || A[i][1].toLowerCase().includes(q) ||
      A[i][5].toLowerCase() === q;
    const rows = D.pairs.filter((p) => (!rel || p[4] === rel) && p[3] >= min && (!q || hit(p[1]) || hit(p[2])));
    const key = cols[sortCol][1];
    rows.sort((x, y) => { const u = key(x), v = key(y); return (u < v ? -1 : u > v ? 1 : 0) * sortDir; });
    body.textContent = "";
    const frag = document.createDocumentFragment();
    for (const p of rows.slice(0, LIMIT)) {
      const tr = el("tr", null, "pair");
      cols.forEach(([c, f]) => tr.appendChild(el("td", f(p), c === "score" || c === "confidence" ? "n" : "")));
      tr.addEventListener("click", () => show(p, true));
      frag.appendChild(tr);
    }
    body.appendChild(frag);
    document.getElementById("shown").textContent = rows.length > LIMIT
      ? "showing " + LIMIT + " of " + rows.length + " (narrow the search)" : rows.length + " pairs";
  }
  for (const id of ["search", "relation", "minscore"]) document.getElementById(id).addEventListener("input", draw);
  draw();

  function show(p, scroll) {
    const box = document.getElementById("evidence");
    box.textContent = "";
    box.appendChild(el("p", "a: " + name(p[1])));
    box.appendChild(el("p", "b: " + name(p[2])));
    const e = D.evidence[String(p[0])];
    if (!e) {
      box.appendChild(el("p", "No texts embedded for this pair. Run: spinscan explain \"" + name(p[1]) + "\" \"" + name(p[2]) + "\"", "muted"));
      return;
    }
    const ul = el("ul");
    for (const s of e.summary) ul.appendChild(el("li", s));
    box.appendChild(ul);
    const t = el("table");
    // Names and numbers both sentences hold: capitalised words and words with a digit.
    const facts = (s) => new Set((s || "").split(/[^\p{L}\p{N}.,]+/u)
      .map((w) => w.replace(/^[.,]+|[.,]+$/g, ""))
      .filter((w) => /^\p{Lu}/u.test(w) || /\d/.test(w)));
    const cell = (text, shared) => {
      const td = el("td", null, "t");
      for (const part of (text || "").split(/([\p{L}\p{N}.,]+)/u)) {
        const core = part.replace(/^[.,]+|[.,]+$/g, "");
        if (core && shared.has(core)) {
          const i = part.indexOf(core);
          td.appendChild(document.createTextNode(part.slice(0, i)));
          td.appendChild(el("mark", core));
          td.appendChild(document.createTextNode(part.slice(i + core.length)));
        } else {
          td.appendChild(document.createTextNode(part));
        }
      }
      return td;
    };
    for (const [a, b, kind, sim] of e.rows) {
      const tr = el("tr", null, kind || "alone");
      const fa = facts(a), fb = facts(b);
      const shared = sim === null ? new Set() : new Set([...fa].filter((w) => fb.has(w)));
      tr.appendChild(cell(a, shared));
      tr.appendChild(el("td", kind ? kind + (sim === null ? "" : " " + sim) : "", "n"));
      tr.appendChild(cell(b, shared));
      t.appendChild(tr);
    }
    box.appendChild(t);
    if (scroll) document.getElementById("evidence-title").scrollIntoView();
  }
  if (D.pairs.length) show(D.pairs.slice().sort((x, y) => y[3] - x[3])[0], false);
})();
