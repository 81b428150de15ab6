// Announcement form: characters counted as you type; wards picked by name (with the browser's
// own search over the ward list) into removable chips; topics filtered by name; the audience
// size asked of the server as you choose. The form works without this script too: typed ward
// names are read by the server.
"use strict";

(function () {
  const form = document.getElementById("compose");
  if (!form) return;
  const body = document.getElementById("body");
  const counter = document.getElementById("counter");
  const size = document.getElementById("audience-size");
  const unknownLine = document.getElementById("audience-unknown");
  const search = document.getElementById("area-search");
  const chips = document.getElementById("area-chips");
  const labels = document.getElementById("picker-labels").dataset;
  const wardNames = new Set([...document.querySelectorAll("#ward-names option")].map((o) => o.value));
  let timer = null;

  function count() { counter.textContent = body.value.length.toLocaleString("vi-VN"); }

  function addChip(name) {
    const text = name.trim();
    if (!text) return;
    const exists = [...chips.querySelectorAll("input")].some((i) => i.value === text);
    if (!exists) {
      const item = document.createElement("li");
      const hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = "areas"; hidden.value = text;
      const button = document.createElement("button");
      button.type = "button"; button.className = "chip-remove";
      button.setAttribute("aria-label", labels.remove.replace("{name}", text));
      button.textContent = text + " ";
      const cross = document.createElement("span");
      cross.setAttribute("aria-hidden", "true"); cross.textContent = "✕";
      button.appendChild(cross);
      item.append(hidden, button);
      chips.appendChild(item);
    }
    search.value = "";
    later();
  }

  function refreshSize() {
    const params = new URLSearchParams();
    new FormData(form).forEach((value, key) => {
      const typing = key === "areas" && value === search.value && !wardNames.has(value);
      if (typeof value === "string" && key !== "body" && key !== "csrf_token" && value !== ""
          && !typing) {
        params.append(key, value);
      }
    });
    fetch(form.dataset.sizeUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then((r) => r.json())
      .then((data) => {
        size.textContent = data.size === null ? "—" : data.size.toLocaleString("vi-VN");
        unknownLine.textContent = data.unknown.map((u) => labels.unknown
          .replace("{name}", u.given).replace("{suggestions}", u.suggestions.join(", ") || "—"))
          .join(" ");
      })
      .catch(() => { /* offline for a moment: the next change asks again */ });
  }

  function later() { clearTimeout(timer); timer = setTimeout(refreshSize, 250); }

  search.addEventListener("change", () => { if (wardNames.has(search.value)) addChip(search.value); });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); addChip(search.value); }
  });
  document.getElementById("area-add").addEventListener("click", () => addChip(search.value));
  chips.addEventListener("click", (event) => {
    const button = event.target.closest("button.chip-remove");
    if (button) { button.closest("li").remove(); search.focus(); later(); }
  });
  document.getElementById("topic-filter").addEventListener("input", (event) => {
    const wanted = event.target.value.trim().toLocaleLowerCase("vi");
    document.querySelectorAll("#topic-list label").forEach((label) => {
      label.hidden = wanted !== "" && !label.dataset.name.toLocaleLowerCase("vi").includes(wanted);
    });
  });
  body.addEventListener("input", count);
  document.getElementById("audience").addEventListener("input", later);
  document.getElementById("audience").addEventListener("change", later);
  count();
  refreshSize();
}());
