// The public map of reports: one marker per case from the JSON the page carries (no inline
// script: the page's data block is not executed). Each marker links to the case's public page.
(function () {
  "use strict";
  const el = document.getElementById("reports-map");
  const source = document.getElementById("reports-data");
  if (!el || !source || !window.L) return;
  const data = JSON.parse(source.textContent);
  const map = window.L.map(el).setView([10.7769, 106.7009], 13);
  window.L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" })
    .addTo(map);
  const COLORS = { resolved: "#2e7d32", closed: "#2e7d32" };

  function popup(item) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.code;
    box.appendChild(link);
    const what = document.createElement("div");
    what.textContent = [item.category, data.status[item.status] || item.status, item.ward]
      .filter(Boolean).join(" · ");
    box.appendChild(what);
    if (item.description) {
      const text = document.createElement("p");
      text.textContent = item.description;
      box.appendChild(text);
    }
    if (item.followers) {
      const more = document.createElement("small");
      more.textContent = data.followers.replace("{n}", item.followers);
      box.appendChild(more);
    }
    if (item.photos.length) {
      const img = document.createElement("img");
      img.src = item.photos[0].thumb;
      img.alt = item.code;
      img.className = "popup-photo";
      box.appendChild(img);
    }
    return box;
  }

  const markers = data.cases.map((item) => window.L.circleMarker([item.lat, item.lon], {
    radius: 7, color: COLORS[item.status] || "#c62828", fillOpacity: 0.7,
  }).bindPopup(popup(item)).addTo(map));
  if (markers.length) map.fitBounds(window.L.featureGroup(markers).getBounds().pad(0.2),
    { maxZoom: 17 });
  el.dataset.points = String(markers.length);
}());
