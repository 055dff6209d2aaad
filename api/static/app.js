// zxkg web page: search, entity pages and a small graph view over the read-only API.
// Every piece of article text is put into the page with textContent, never innerHTML,
// so markup inside an article is shown as text and never runs.
"use strict";

const view = document.getElementById("view");
const FACET_SHOWN = 10;
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
    err.status = res.status;
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
  evidence: (region, term) => "#/evidence/" + encodeURIComponent(region) + "/" + encodeURIComponent(term),
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

// The API explains errors in English for programs; the page says what happened in its own
// language and keeps the server's words below, for a bug report.
const ERROR_TEXT = {
  404: "没有找到这个名称。",
  400: "请求的条件无效(例如日期不存在或类型未知)。",
  422: "请求的条件无效(例如日期不存在或类型未知)。",
  503: "数据暂时无法读取,请稍后再试。",
};

function showError(err) {
  const body = err.body && err.body.error;
  const status = (body && body.status) || err.status;
  const close = body && body.closest && body.closest.length
    ? el("p", {}, "相近的名称:", ...body.closest.map((n, i) => [i ? "、" : "", el("a", { href: link.term(n) }, n)]))
    : null;
  view.replaceChildren(el("div", { class: "error", id: "error", lang: "zh-CN" },
    el("strong", {}, "出错了:"), ERROR_TEXT[status] || "服务器无法完成这个请求。", close,
    el("p", { class: "muted server-message", lang: "en" }, err.message)));
}

function adoptionTable(rows, opts = {}) {
  const head = el("tr", {},
    opts.showRegion !== false ? el("th", {}, "地区") : null,
    opts.showTerm ? el("th", {}, "名称") : null,
    el("th", {}, "首次日期"), el("th", {}, "文章数"), el("th", {}, "证据"), el("th", {}, "全部证据"), el("th", {}, "文章"), el("th", {}, "审核"),
    reviewMode && opts.term ? el("th", {}, "") : null);
  const body = rows.map((r) => el("tr", {},
    opts.showRegion !== false ? el("td", {}, entityLink("region", r.region), el("div", { class: "muted" }, r.province || "")) : null,
    opts.showTerm ? el("td", {}, entityLink(r.kind, r.term), el("span", { class: "kind" }, KIND_LABEL[r.kind] || r.kind)) : null,
    el("td", { class: "date" }, r.first_date || "—"),
    el("td", {}, String(r.articles)),
    el("td", { class: "evidence" }, r.evidence || ""),
    el("td", {}, el("a", { class: "all-evidence", href: link.evidence(r.code || r.region, r.term), title: "这一行的全部证据句" }, `${r.evidence_count} 句`)),
    el("td", { class: "file" }, r.article ? el("a", { href: link.article(r.article), title: r.title || "" }, r.file || r.article) : ""),
    el("td", { class: "review" }, REVIEW_LABEL[r.review] || ""),
    reviewMode && opts.term ? reviewControls(r, opts.term) : null));
  return el("div", { class: "table-wrap" }, el("table", { class: "adoptions" }, el("thead", {}, head), el("tbody", {}, body)));
}

// ---- views -------------------------------------------------------------------------

async function searchView(params) {
  document.getElementById("q").value = params.get("q") || "";
  const req = Object.fromEntries(params.entries());
  req.limit = req.limit || 10;
  const data = await api("/search?" + q({ ...req, facet_size: 40 }));  // ten shown, the rest behind "more"
  const offset = Number(req.offset || 0);
  const filters = ["region", "province", "mechanism", "brand", "year"].filter((k) => params.get(k));
  const chips = el("div", { class: "filters" }, filters.map((k) => {
    const rest = new URLSearchParams(params); rest.delete(k); rest.delete("offset");
    return el("span", { class: "chip" }, `${k}: ${params.get(k)}`, el("a", { href: "#/search?" + rest.toString(), title: "去掉" }, "×"));
  }));
  const facets = el("aside", { class: "facets" }, Object.entries(data.facets || {}).map(([field, values]) => {
    // years read in order (newest first); the others most frequent first, as counted
    const sorted = field === "year" ? values.slice().sort((a, b) => b.value.localeCompare(a.value)) : values;
    const links = sorted.map((f, i) => {
      const next = new URLSearchParams(params); next.set(field, f.value); next.delete("offset");
      return el("a", { href: "#/search?" + next.toString(), class: (params.get(field) === f.value ? "on" : "") + (i >= FACET_SHOWN ? " more-item" : "") },
        el("span", {}, f.value), el("span", { class: "muted" }, String(f.count)));
    });
    const section = el("section", { "data-facet": field }, el("h3", {}, { region: "地区", province: "省份", mechanism: "机制", brand: "品牌", year: "年份" }[field] || field), links);
    if (links.length > FACET_SHOWN) {
      section.classList.add("collapsed");
      const more = el("button", { type: "button", class: "more", onclick: () => {
        const open = section.classList.toggle("collapsed");
        more.textContent = open ? `更多(${links.length - FACET_SHOWN})` : "收起";
      } }, `更多(${links.length - FACET_SHOWN})`);
      section.append(more);
    }
    return section;
  }));
  const hits = data.hits.map((h) => el("article", { class: "hit" },
    el("h3", {}, el("a", { href: link.article(h.id), class: "result-title" }, h.title || h.file)),
    el("div", { class: "meta" }, [h.date, h.source, h.file].filter(Boolean).join(" · ")),
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

async function evidenceView(region, term) {
  const data = await api(`/adoptions/${encodeURIComponent(region)}/${encodeURIComponent(term)}/evidence`);
  const rows = data.items.map((e) => el("tr", {},
    el("td", { class: "date" }, e.date || "—"),
    el("td", { class: "evidence" }, e.evidence),
    el("td", {}, el("a", { href: link.article(e.article) }, e.title || e.file), el("div", { class: "muted file" }, e.file)),
    el("td", {}, e.source || "", e.url ? [" ", el("a", { href: e.url, rel: "noopener noreferrer" }, "原文")] : "")));
  view.replaceChildren(
    el("h1", { id: "evidence-title" }, el("a", { href: link.region(data.region.name) }, data.region.name), " · ", el("a", { href: link.term(data.term) }, data.term)),
    el("p", { class: "muted" }, `${data.total} 句证据,按日期排列;第一句即采纳表中的那一句。`),
    el("div", { class: "table-wrap" }, el("table", { class: "evidence-list" },
      el("thead", {}, el("tr", {}, el("th", {}, "日期"), el("th", {}, "证据"), el("th", {}, "文章 / 文件"), el("th", {}, "来源"))),
      el("tbody", {}, rows))));
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

function countsTable(counts) {
  const LEVEL = { province: "省级", prefecture: "地级", county: "县级" };
  const part = (title, rows, label) => el("table", { class: "counts" },
    el("thead", {}, el("tr", {}, el("th", {}, title), el("th", {}, "采纳地区"))),
    el("tbody", {}, rows.map((r) => el("tr", {}, el("td", { class: "name" }, label(r)), el("td", {}, String(r.adopters))))));
  return el("div", { class: "counts-box", id: "adopter-counts" },
    part("层级", counts.by_level, (r) => LEVEL[r.level] || r.level || "—"),
    part("省份", counts.by_province, (r) => r.province || "—"));
}

function compareForm(term) {
  const input = el("input", { type: "text", name: "with", placeholder: "另一个机制或品牌", "aria-label": "比较的名称" });
  return el("form", { class: "compare-form", id: "compare-form", onsubmit: (ev) => {
    ev.preventDefault();
    const other = input.value.trim();
    if (other) location.hash = "#/compare?" + q({ terms: [term, other].join(",") });
  } }, "与 ", input, " ", el("button", { type: "submit" }, "比较扩散"));
}

async function compareView(params) {
  const terms = (params.get("terms") || "").split(/[,、]/).map((t) => t.trim()).filter(Boolean);
  const data = await api("/compare?" + terms.map((t) => "terms=" + encodeURIComponent(t)).join("&"));
  view.replaceChildren(
    el("h1", { id: "compare-title" }, "扩散比较:", terms.map((t, i) => [i ? "、" : "", el("a", { href: link.term(t) }, t)]).flat()),
    timelineChart(data.series),
    el("p", { class: "muted" }, "横轴为真实时间;每条线为一个名称的累计采纳地区数。"));
}

async function termView(name) {
  const [info, adopters, timeline, counts] = await Promise.all([
    api("/mechanisms/" + encodeURIComponent(name)),
    api("/mechanisms/" + encodeURIComponent(name) + "/adopters?limit=500"),
    api("/timeline/" + encodeURIComponent(name)),
    api("/mechanisms/" + encodeURIComponent(name) + "/counts"),
  ]);
  view.replaceChildren(
    el("h1", { id: "entity-name" }, info.name, el("span", { class: "kind" }, KIND_LABEL[info.kind] || info.kind)),
    info.aliases && info.aliases.length ? el("p", { class: "muted" }, "别名:" + info.aliases.join("、")) : "",
    el("h2", {}, `采纳地区 (${adopters.total})`),
    adoptionTable(adopters.items, { showRegion: true, term: info.name }),
    reviewMode ? await rejectedList(info.name) : "",
    reviewMode ? addForm(info.name) : "",
    el("p", { class: "downloads" }, "下载:",
      el("a", { id: "download-adoptions", href: "/adoptions?" + q({ format: "csv", term: info.name }), download: `adoptions-${info.name}.csv` }, "采纳表 CSV"),
      el("a", { id: "download-xlsx", href: "/adoptions?" + q({ format: "xlsx", term: info.name }), download: `adoptions-${info.name}.xlsx` }, "Excel 工作簿")),
    el("h2", {}, "按省份与层级"), countsTable(counts),
    el("h2", {}, "地图与扩散"),
    window.zxkgMap ? window.zxkgMap.termMap(adopters.items, link.region, "/diffusion/" + encodeURIComponent(info.name)) : "",
    el("h2", {}, "扩散时间线"), timelineChart(timeline), compareForm(info.name),
    el("h2", {}, "关系图"), await egoView(info.name));
}

// ---- the timeline: cumulative adopters on a true time axis ---------------------------
// A date is a day, a month or a year ("2024-05-24", "2024-05", "2024"); a point sits at its
// first day, so two points two years apart are twelve times as far apart as two a month apart.
const SERIES_COLORS = ["#a4262c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#c2185b"];

function dayOf(date) {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y, (m || 1) - 1, d || 1);
}

// Ticks a person reads: years, or months (every 1, 2, 3 or 6) on a short span.
function timeTicks(lo, hi, width) {
  const years = (hi - lo) / (365.25 * 864e5);
  const room = Math.max(2, Math.floor(width / 70));
  const out = [];
  const start = new Date(lo), end = new Date(hi);
  if (years > 2 || years * 12 / 6 > room) {
    const step = Math.max(1, Math.ceil(Math.ceil(years + 1) / room));
    for (let y = start.getUTCFullYear(); y <= end.getUTCFullYear() + 1; y += step) {
      const t = Date.UTC(y, 0, 1);
      if (t >= lo && t <= hi) out.push([t, String(y)]);
    }
  } else {
    const months = Math.ceil(years * 12) + 1;
    const step = [1, 2, 3, 6, 12].find((s) => months / s <= room) || 12;
    for (let y = start.getUTCFullYear(), m = start.getUTCMonth(); Date.UTC(y, m, 1) <= hi; m += 1) {
      if (m > 11) { m = 0; y += 1; }
      const t = Date.UTC(y, m, 1);
      if (t >= lo && m % step === 0) out.push([t, `${y}-${String(m + 1).padStart(2, "0")}`]);
    }
  }
  return out;
}

function valueTicks(max) {
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000].find((s) => max / s <= 5) || Math.ceil(max / 5);
  const out = [];
  for (let v = 0; v <= max; v += step) out.push(v);
  return out;
}

function timelineChart(input) {
  const series = (Array.isArray(input) ? input : [input]).filter(Boolean);
  const dated = series.filter((t) => (t.points || []).length);
  const undated = series.filter((t) => (t.undated || []).length);
  const box = el("div", { class: "timeline" });
  if (!dated.length) box.append(el("p", { class: "muted" }, "没有带日期的采纳。"));
  else box.append(timelineSvg(dated, series.length > 1));
  if (undated.length) {
    box.append(el("aside", { class: "undated", id: "timeline-undated" }, el("h3", {}, "日期不详的采纳"),
      undated.map((t) => el("p", {}, series.length > 1 ? el("strong", {}, t.term + ":") : "",
        t.undated.map((r, i) => [i ? "、" : "", el("a", { href: link.region(r) }, r)]).flat()))));
  }
  return box;
}

function timelineSvg(series, legend) {
  const W = 720, H = 260, L = 44, R = 16, T = legend ? 34 : 14, B = 36;
  const all = series.flatMap((t) => t.points.map((p) => dayOf(p.date)));
  let lo = Math.min(...all), hi = Math.max(...all);
  if (hi - lo < 60 * 864e5) { lo -= 30 * 864e5; hi += 30 * 864e5; }  // one date, or a few days: a readable span
  const pad = (hi - lo) * 0.03;
  lo -= pad; hi += pad;
  const max = Math.max(...series.map((t) => t.points[t.points.length - 1].cumulative), 1);
  const x = (t) => L + ((t - lo) * (W - L - R)) / (hi - lo);
  const y = (v) => H - B - (v * (H - B - T)) / max;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`); svg.setAttribute("width", "100%"); svg.setAttribute("id", "timeline");
  svg.setAttribute("role", "img"); svg.setAttribute("aria-label", "累计采纳地区随时间的变化");
  const add = (parent, tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    parent.append(n);
    return n;
  };
  const axes = add(svg, "g", { class: "axes" });
  add(axes, "line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#999" });
  add(axes, "line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#999" });
  for (const [t, label] of timeTicks(lo, hi, W - L - R)) {
    add(axes, "line", { x1: x(t), y1: H - B, x2: x(t), y2: H - B + 4, stroke: "#999" });
    add(axes, "text", { x: x(t), y: H - B + 16, "text-anchor": "middle", class: "tick-x" }, label);
  }
  for (const v of valueTicks(max)) {
    add(axes, "line", { x1: L, y1: y(v), x2: W - R, y2: y(v), stroke: "#eee" });
    add(axes, "text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "tick-y" }, String(v));
  }
  add(axes, "text", { x: 12, y: (T + H - B) / 2, transform: `rotate(-90 12 ${(T + H - B) / 2})`, "text-anchor": "middle" }, "累计采纳地区");
  series.forEach((t, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length];
    const g = add(svg, "g", { class: "series", "data-term": t.term });
    // a step line: the count holds until the next adoption
    let path = "";
    t.points.forEach((p, i) => {
      const px = x(dayOf(p.date)), py = y(p.cumulative);
      path += i === 0 ? `M${px},${y(0)} L${px},${py}` : ` H${px} V${py}`;
    });
    add(g, "path", { d: path, fill: "none", stroke: color, "stroke-width": 2 });
    for (const p of t.points) {
      const c = add(g, "circle", { cx: x(dayOf(p.date)), cy: y(p.cumulative), r: 4, fill: color, class: "pt", "data-date": p.date });
      add(c, "title", {}, `${p.date}:${p.new.join("、")}(累计 ${p.cumulative})`);
    }
    if (legend) {
      const lx = L + k * 150;
      add(svg, "rect", { x: lx, y: 8, width: 12, height: 12, fill: color });
      add(svg, "text", { x: lx + 16, y: 18, class: "legend-label" }, t.term.length > 10 ? t.term.slice(0, 10) + "…" : t.term);
    }
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
  const kinds = [...new Set(nodes.map((n) => n.kind))];
  const legend = el("p", { class: "legend graph-legend", id: "graph-legend" }, kinds.map((k) =>
    el("span", {}, el("span", { class: "swatch", style: `background:${colors[k] || "#777"}` }), " ", KIND_LABEL[k] || k)),
    el("span", { class: "muted" }, "连线:两者之间的关系(采纳、实施、隶属等)"));
  return el("div", {}, legend, svg, exports);
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
    else if (parts[0] === "evidence") await evidenceView(parts[1], parts[2]);
    else if (parts[0] === "compare") await compareView(params);
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
