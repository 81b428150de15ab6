// Statistics page: draws the charts (vendored Chart.js) and the open-case map (vendored Leaflet)
// from the JSON the server embedded in the page.
(function () {
  "use strict";
  const COLORS = ["#0068ff", "#2e7d32", "#b26a00", "#c62828", "#6a1b9a", "#00838f", "#5d4037",
    "#546e7a", "#ad1457", "#9e9d24"];
  const source = document.getElementById("stats-data");
  if (!source || !window.Chart) return;
  const page = JSON.parse(source.textContent);
  const data = page.data;

  function color(i) { return COLORS[i % COLORS.length]; }

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    new window.Chart(canvas, config);
    canvas.dataset.drawn = "1";
  }

  // {week: {key: n}} as a stacked bar chart, one dataset per key.
  function weekly(id, table, name) {
    const weeks = Object.keys(table);
    const keys = [...new Set(weeks.flatMap((w) => Object.keys(table[w])))];
    const datasets = keys.map((key, i) => ({
      label: name(key), backgroundColor: color(i),
      data: weeks.map((w) => table[w][key] || 0),
    }));
    draw(id, { type: "bar", data: { labels: weeks, datasets },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });
  }

  function department(id) { return page.departments[id] || "—"; }

  weekly("chart-category", data.per_category, (key) => page.categories[key] || key);
  weekly("chart-area", data.per_area, (key) => key || page.labels.none);
  weekly("chart-costs", data.costs, (key) => key);

  const flow = data.open_vs_closed;
  draw("chart-open", { type: "line", data: { labels: flow.map((r) => r.week), datasets: [
    { label: page.labels.opened, data: flow.map((r) => r.opened), borderColor: color(0) },
    { label: page.labels.closed, data: flow.map((r) => r.closed), borderColor: color(1) },
    { label: page.labels.open, data: flow.map((r) => r.open), borderColor: color(2) },
  ] } });

  const ranked = data.on_time.filter((r) => r.ranked);
  draw("chart-ontime", { type: "bar", data: { labels: ranked.map((r) => department(r.department)),
    datasets: [{ label: page.labels.rate, backgroundColor: color(1),
      data: ranked.map((r) => Math.round(r.rate * 1000) / 10) }] },
  options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } } } });

  draw("chart-satisfaction", { type: "bar", data: {
    labels: data.satisfaction.map((r) => department(r.department)),
    datasets: [{ label: page.labels.average, backgroundColor: color(4),
      data: data.satisfaction.map((r) => r.average) }] },
  options: { scales: { y: { min: 0, max: 5 } } } });

  const mapEl = document.getElementById("stats-map");
  if (mapEl && window.L) {
    const map = window.L.map(mapEl).setView([10.7769, 106.7009], 12);
    if (mapEl.dataset.tiles) {
      window.L.tileLayer(mapEl.dataset.tiles,
        { maxZoom: 19, attribution: mapEl.dataset.attribution || "" }).addTo(map);
    }
    const points = data.map.map((p) => window.L.circleMarker([p.lat, p.lon], { radius: 5 })
      .bindTooltip(`${p.code} · ${page.categories[p.category] || ""}`).addTo(map));
    if (points.length) map.fitBounds(window.L.featureGroup(points).getBounds().pad(0.2));
    mapEl.dataset.points = String(points.length);
  }
}());
