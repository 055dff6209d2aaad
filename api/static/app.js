// zxkg web page: search, entity pages and a small graph view over the read-only API.
// Every piece of article text is put into the page with textContent, never innerHTML,
// so markup inside an article is shown as text and never runs.
"use strict";

const view = document.getElementById("view");
const KIND_LABEL = { region: "地区", mechanism: "机制", brand: "品牌", document: "文件", slogan: "口号", article: "文章" };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function api(path) {
  const res = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error((body.error && body.error.message) || res.statusText);
    err.body = body;
    throw err;
  }
  return body;
}

// ---- reviews: only on a server started with `zxkg serve --review` -----------------------
// Every write carries the server's one-time token in a header, read from the cookie that
// the printed URL set (SameSite=Strict): a cookie alone is refused, so no other site can write.
let reviewMode = false;
const REVIEW_LABEL = { accepted: "已接受", rejected: "已拒绝", added: "人工添加" };

function reviewToken() {
  const m = document.cookie.match(/(?:^|;\s*)zxkg_review=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

async function writeReview(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-ZXKG-Token": reviewToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((out.error && out.error.message) || out.detail || res.statusText);
  return out;
}

async function judged(action) {
  try {
    await action();
    await route();
  } catch (err) {
    alert("审核失败: " + err.message);
  }
}

function reviewControls(r, term) {
  const region = r.code || r.region;
  const post = (status) => () => judged(() => writeReview("POST", "/reviews", { region, term, status }));
  return el("td", { class: "review-controls" },
    el("button", { type: "button", class: "review-accept", onclick: post("accepted") }, "接受"),
    el("button", { type: "button", class: "review-reject", onclick: post("rejected") }, "拒绝"),
    el("button", { type: "button", class: "review-reset", onclick: () => judged(() => writeReview("DELETE", "/reviews?" + q({ region, term }))) }, "重置"));
}

async function rejectedList(term) {
  const data = await api("/reviews?status=rejected");
  const rows = data.items.filter((r) => r.term === term);
  if (!rows.length) return "";
  return el("div", { id: "rejected" }, el("h3", {}, `已拒绝 (${rows.length})`),
    el("ul", {}, rows.map((r) => el("li", {}, r.region || r.subject_key, " ", el("span", { class: "muted" }, r.sentence), " ",
      el("button", { type: "button", class: "review-reset", onclick: () => judged(() => writeReview("DELETE", "/reviews?" + q({ region: r.subject_key.split(":")[1], term }))) }, "重置")))));
}

function addForm(term) {
  const region = el("input", { name: "region", placeholder: "地区" });
  const article = el("input", { name: "article", placeholder: "文章 id" });
  const quote = el("input", { name: "quote", placeholder: "原文引句", size: 40 });
  return el("form", { id: "review-add", onsubmit: (ev) => { ev.preventDefault(); judged(() => writeReview("POST", "/reviews/added", { region: region.value, term, article: article.value, quote: quote.value })); } },
    "补充采纳:", region, article, quote, el("button", { type: "submit" }, "添加"));
}

function q(params) {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") s.set(k, v);
  return s.toString();
}

const link = {
  region: (name) => "#/region/" + encodeURIComponent(name),
  term: (name) => "#/term/" + encodeURIComponent(name),
  article: (id) => "#/article/" + encodeURIComponent(id),
  search: (params) => "#/search?" + q(params),
};

function entityLink(kind, name) {
  if (kind === "region") return el("a", { href: link.region(name) }, name);
  if (kind === "mechanism" || kind === "brand") return el("a", { href: link.term(name) }, name);
  return el("span", {}, name);
}

// Text with marked spans: [[start, end], ...] → text nodes and <mark>s.
function marked(text, marks) {
  const out = [];
  let pos = 0;
  for (const [s, e] of (marks || []).slice().sort((a, b) => a[0] - b[0])) {
    if (s < pos) continue;
    out.push(text.slice(pos, s), el("mark", {}, text.slice(s, e)));
    pos = e;
  }
  out.push(text.slice(pos));
  return out;
}

function showError(err) {
  const body = err.body && err.body.error;
  const close = body && body.closest && body.closest.length
    ? el("p", {}, "相近的名称:", ...body.closest.map((n, i) => [i ? "、" : "", el("a", { href: link.term(n) }, n)]))
    : null;
  view.replaceChildren(el("div", { class: "error", id: "error" }, el("strong", {}, "出错了: "), err.message, close));
}

function adoptionTable(rows, opts = {}) {
  const head = el("tr", {},
    opts.showRegion !== false ? el("th", {}, "地区") : null,
    opts.showTerm ? el("th", {}, "名称") : null,
    el("th", {}, "首次日期"), el("th", {}, "文章数"), el("th", {}, "证据"), el("th", {}, "文章"), el("th", {}, "审核"),
    reviewMode && opts.term ? el("th", {}, "") : null);
  const body = rows.map((r) => el("tr", {},
    opts.showRegion !== false ? el("td", {}, entityLink("region", r.region), el("div", { class: "muted" }, r.province || "")) : null,
    opts.showTerm ? el("td", {}, entityLink(r.kind, r.term), el("span", { class: "kind" }, KIND_LABEL[r.kind] || r.kind)) : null,
    el("td", {}, r.first_date || "—"),
    el("td", {}, String(r.articles)),
    el("td", { class: "evidence" }, r.evidence || ""),
    el("td", {}, r.article ? el("a", { href: link.article(r.article) }, r.file || r.article) : ""),
    el("td", { class: "review" }, REVIEW_LABEL[r.review] || ""),
    reviewMode && opts.term ? reviewControls(r, opts.term) : null));
  return el("table", { class: "adoptions" }, el("thead", {}, head), el("tbody", {}, body));
}

// ---- views -------------------------------------------------------------------------

async function searchView(params) {
  document.getElementById("q").value = params.get("q") || "";
  const req = Object.fromEntries(params.entries());
  req.limit = req.limit || 10;
  const data = await api("/search?" + q(req));
  const offset = Number(req.offset || 0);
  const filters = ["region", "province", "mechanism", "brand", "year"].filter((k) => params.get(k));
  const chips = el("div", { class: "filters" }, filters.map((k) => {
    const rest = new URLSearchParams(params); rest.delete(k); rest.delete("offset");
    return el("span", { class: "chip" }, `${k}: ${params.get(k)}`, el("a", { href: "#/search?" + rest.toString(), title: "去掉" }, "×"));
  }));
  const facets = el("aside", { class: "facets" }, Object.entries(data.facets || {}).map(([field, values]) =>
    el("section", {}, el("h3", {}, { region: "地区", mechanism: "机制", brand: "品牌", year: "年份" }[field] || field),
      values.slice(0, 12).map((f) => {
        const next = new URLSearchParams(params); next.set(field, f.value); next.delete("offset");
        return el("a", { href: "#/search?" + next.toString(), class: params.get(field) === f.value ? "on" : "" },
          el("span", {}, f.value), el("span", { class: "muted" }, String(f.count)));
      }))));
  const hits = data.hits.map((h) => el("article", { class: "hit" },
    el("h3", {}, el("a", { href: link.article(h.id), class: "result-title" }, h.title || h.file)),
    el("div", { class: "meta" }, [h.date, h.source].filter(Boolean).join(" · ")),
    (h.fragments || []).map((f) => el("p", { class: "frag" }, "…", marked(f.text, f.marks), "…"))));
  const pager = el("div", { class: "pager" },
    el("span", { class: "muted", id: "total" }, `共 ${data.total} 篇`),
    offset > 0 ? el("button", { onclick: () => go({ ...req, offset: Math.max(0, offset - req.limit) }) }, "上一页") : null,
    offset + data.hits.length < data.total ? el("button", { onclick: () => go({ ...req, offset: offset + Number(req.limit) }) }, "下一页") : null);
  view.replaceChildren(el("div", { class: "layout" }, facets,
    el("div", {}, chips, data.hits.length ? hits : el("p", { class: "muted" }, "没有找到文章。"), pager)));
  function go(p) { location.hash = link.search(p); }
}

async function articleView(id) {
  const a = await api("/articles/" + encodeURIComponent(id));
  const text = el("div", { class: "article-text", id: "article-text" });
  let pos = 0;
  const spans = (a.mentions || []).filter((m) => m.kind !== "article").sort((x, y) => x.start - y.start || y.end - x.end);
  for (const m of spans) {
    if (m.start < pos) continue;
    text.append(a.text.slice(pos, m.start));
    const href = m.kind === "region" ? link.region(m.name) : (m.kind === "mechanism" || m.kind === "brand") ? link.term(m.name) : null;
    text.append(el(href ? "a" : "span", { class: "ent " + m.kind, href, title: `${KIND_LABEL[m.kind] || m.kind}: ${m.name}` }, a.text.slice(m.start, m.end)));
    pos = m.end;
  }
  text.append(a.text.slice(pos));
  view.replaceChildren(
    el("h1", {}, a.title || a.file),
    el("p", { class: "muted" }, [a.date, a.source, a.author, a.file].filter(Boolean).join(" · "), a.url ? [" · ", el("a", { href: a.url, rel: "noopener noreferrer" }, "原文")] : null),
    el("p", { class: "legend" }, ["region", "mechanism", "brand", "document", "slogan"].map((k) => el("span", { class: "ent " + k }, KIND_LABEL[k]))),
    text);
}

async function regionView(name) {
  const p = await api("/regions/" + encodeURIComponent(name));
  const r = p.region;
  view.replaceChildren(
    el("h1", { id: "entity-name" }, r.name),
    el("p", { class: "muted" }, [r.level, r.code, r.province].filter(Boolean).join(" · ")),
    el("h2", {}, "机制"), p.mechanisms.length ? adoptionTable(p.mechanisms, { showRegion: false, showTerm: true }) : el("p", { class: "muted" }, "无"),
    el("h2", {}, "品牌"), p.brands.length ? adoptionTable(p.brands, { showRegion: false, showTerm: true }) : el("p", { class: "muted" }, "无"),
    el("h2", {}, "文件"), p.documents.length ? adoptionTable(p.documents, { showRegion: false, showTerm: true }) : el("p", { class: "muted" }, "无"),
    el("h2", {}, "关系图"), await egoView(r.name),
    el("p", { class: "downloads" }, "下载:", el("a", { href: "/adoptions?" + q({ format: "csv", region: r.name }) }, "采纳表 CSV")));
}

async function termView(name) {
  const [info, adopters, timeline] = await Promise.all([
    api("/mechanisms/" + encodeURIComponent(name)),
    api("/mechanisms/" + encodeURIComponent(name) + "/adopters?limit=500"),
    api("/timeline/" + encodeURIComponent(name)),
  ]);
  view.replaceChildren(
    el("h1", { id: "entity-name" }, info.name, el("span", { class: "kind" }, KIND_LABEL[info.kind] || info.kind)),
    info.aliases && info.aliases.length ? el("p", { class: "muted" }, "别名:" + info.aliases.join("、")) : "",
    el("h2", {}, `采纳地区 (${adopters.total})`),
    adoptionTable(adopters.items, { showRegion: true, term: info.name }),
    reviewMode ? await rejectedList(info.name) : "",
    reviewMode ? addForm(info.name) : "",
    el("p", { class: "downloads" }, "下载:",
      el("a", { id: "download-adoptions", href: "/adoptions?" + q({ format: "csv", term: info.name }), download: `adoptions-${info.name}.csv` }, "采纳表 CSV")),
    el("h2", {}, "地图与扩散"),
    window.zxkgMap ? window.zxkgMap.termMap(adopters.items, link.region, "/diffusion/" + encodeURIComponent(info.name)) : "",
    el("h2", {}, "扩散时间线"), timelineChart(timeline),
    el("h2", {}, "关系图"), await egoView(info.name));
}

function timelineChart(t) {
  const pts = t.points || [];
  if (!pts.length) return el("p", { class: "muted" }, "没有带日期的采纳。");
  const W = 640, H = 180, P = 30;
  const max = pts[pts.length - 1].cumulative;
  const x = (i) => P + (pts.length === 1 ? (W - 2 * P) / 2 : (i * (W - 2 * P)) / (pts.length - 1));
  const y = (v) => H - P - (v * (H - 2 * P)) / Math.max(max, 1);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`); svg.setAttribute("width", "100%"); svg.setAttribute("id", "timeline");
  const add = (tag, attrs, text) => { const n = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); if (text) n.textContent = text; svg.append(n); };
  add("line", { x1: P, y1: H - P, x2: W - P, y2: H - P, stroke: "#999" });
  add("polyline", { fill: "none", stroke: "#a4262c", "stroke-width": 2, points: pts.map((p, i) => `${x(i)},${y(p.cumulative)}`).join(" ") });
  pts.forEach((p, i) => {
    add("circle", { cx: x(i), cy: y(p.cumulative), r: 3.5, fill: "#a4262c" });
    const anchor = pts.length > 1 && i === 0 ? "start" : pts.length > 1 && i === pts.length - 1 ? "end" : "middle";
    add("text", { x: x(i), y: H - P + 14, "text-anchor": anchor }, p.date);
    add("text", { x: x(i), y: y(p.cumulative) - 7, "text-anchor": "middle" }, String(p.cumulative));
  });
  return svg;
}

async function egoView(name) {
  let g;
  try { g = await api("/graph/ego/" + encodeURIComponent(name) + "?depth=1"); } catch (e) { return el("p", { class: "muted" }, "无关系图"); }
  const W = 640, H = 360, cx = W / 2, cy = H / 2;
  const nodes = g.nodes.slice(0, 40);
  const center = nodes.find((n) => n.name === name) || nodes[0];
  const others = nodes.filter((n) => n !== center);
  const pos = new Map([[center && center.id, [cx, cy]]]);
  others.forEach((n, i) => { const a = (2 * Math.PI * i) / Math.max(others.length, 1); pos.set(n.id, [cx + 150 * Math.cos(a), cy + 140 * Math.sin(a)]); });
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`); svg.setAttribute("width", "100%"); svg.setAttribute("class", "ego");
  const colors = { region: "#2e7d32", mechanism: "#1565c0", brand: "#c2185b", document: "#ef6c00", slogan: "#9e9e9e", article: "#555" };
  for (const e of g.edges) {
    const a = pos.get(e.source), b = pos.get(e.target);
    if (!a || !b) continue;
    const line = document.createElementNS(ns, "line");
    Object.entries({ x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: "#bbb" }).forEach(([k, v]) => line.setAttribute(k, v));
    svg.append(line);
  }
  for (const n of nodes) {
    const [x, y] = pos.get(n.id) || [cx, cy];
    const a = document.createElementNS(ns, "a");
    const href = n.kind === "region" ? link.region(n.name) : (n.kind === "mechanism" || n.kind === "brand") ? link.term(n.name) : null;
    if (href) a.setAttribute("href", href);
    const c = document.createElementNS(ns, "circle");
    Object.entries({ cx: x, cy: y, r: n === center ? 9 : 6, fill: colors[n.kind] || "#777" }).forEach(([k, v]) => c.setAttribute(k, v));
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", x + 9); t.setAttribute("y", y + 4); t.textContent = n.name.length > 14 ? n.name.slice(0, 14) + "…" : n.name;
    a.append(c, t); svg.append(a);
  }
  const exports = el("p", { class: "downloads" }, "导出:", ["graphml", "gexf", "json", "cyjs"].map((f) =>
    el("a", { href: "/graph/export?" + q({ format: f, terms: name }) }, f)));
  return el("div", {}, svg, exports);
}

async function listView(kind) {
  const path = { mechanisms: "/mechanisms", brands: "/brands", regions: "/regions" }[kind];
  const data = await api(path + "?limit=200");
  const title = { mechanisms: "机制", brands: "品牌", regions: "地区" }[kind];
  const rows = data.items.map((i) => el("tr", {},
    el("td", {}, kind === "regions" ? entityLink("region", i.name) : entityLink(i.kind, i.name)),
    el("td", {}, kind === "regions" ? (i.province || "") : String(i.adopters)),
    el("td", {}, String(i.articles))));
  view.replaceChildren(el("h1", {}, `${title} (${data.total})`),
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "名称"), el("th", {}, kind === "regions" ? "省份" : "采纳地区"), el("th", {}, "文章数"))), el("tbody", {}, rows)));
}

async function adoptionsView() {
  const data = await api("/adoptions?limit=500");
  view.replaceChildren(el("h1", {}, `采纳表 (${data.total})`),
    el("p", { class: "downloads" }, el("a", { href: "/adoptions?format=csv", download: "adoptions.csv" }, "下载 CSV"),
      el("a", { href: "/graph/export?format=panel" }, "地区×年份面板 CSV")),
    adoptionTable(data.items, { showRegion: true, showTerm: true }));
}

async function homeView() {
  const s = await api("/stats");
  const [mechanisms, brands] = await Promise.all([api("/mechanisms?limit=10"), api("/brands?limit=10")]);
  const top = (page) => el("ul", {}, page.items.map((t) => el("li", {}, entityLink(t.kind, t.name), el("span", { class: "muted" }, ` ${t.adopters} 个地区`))));
  view.replaceChildren(el("h1", {}, "政协新闻知识图谱"),
    el("p", {}, `${s.articles} 篇文章 · ${(s.entities.region || 0)} 个地区 · ${(s.entities.mechanism || 0)} 个机制 · ${(s.entities.brand || 0)} 个品牌`),
    el("h2", {}, "采纳最多的机制"), top(mechanisms),
    el("h2", {}, "采纳最多的品牌"), top(brands));
}

async function route() {
  const hash = location.hash.slice(1) || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  view.setAttribute("aria-busy", "true");
  view.replaceChildren(el("p", { class: "muted", id: "loading" }, "加载中…"));
  try {
    if (parts[0] === "search") await searchView(params);
    else if (parts[0] === "article") await articleView(parts[1]);
    else if (parts[0] === "region") await regionView(parts[1]);
    else if (parts[0] === "term") await termView(parts[1]);
    else if (["mechanisms", "brands", "regions"].includes(parts[0])) await listView(parts[0]);
    else if (parts[0] === "adoptions") await adoptionsView();
    else await homeView();
  } catch (err) {
    showError(err);
  } finally {
    view.setAttribute("aria-busy", "false");
  }
}

document.getElementById("search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  location.hash = link.search({ q: document.getElementById("q").value });
});
window.addEventListener("hashchange", route);
api("/stats").then((s) => { document.getElementById("stats").textContent = `${s.articles} 篇文章`; }).catch(() => {});
api("/reviews/mode").then((m) => { reviewMode = m.review; }).catch(() => {}).finally(route);
