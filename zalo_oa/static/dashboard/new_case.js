// New case for a caller or walk-in: as the address is typed, say which ward it is in.
"use strict";

(function () {
  const form = document.getElementById("new-case");
  if (!form) return;
  const address = document.getElementById("address");
  const hint = document.getElementById("ward-hint");
  const initial = hint.textContent;
  let timer = null;

  async function lookUp() {
    const text = address.value.trim();
    if (text.length < 3) { hint.textContent = initial; return; }
    try {
      const response = await fetch(form.dataset.placeUrl + "?address=" + encodeURIComponent(text),
        { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      if (data.area_code) {
        hint.textContent = "✓ " + data.area_name;
        hint.dataset.area = data.area_code;
      } else if (data.candidates.length) {
        hint.textContent = "? " + data.candidates.map((c) => c.name).join(" · ");
        hint.dataset.area = "";
      } else {
        hint.textContent = initial;
        hint.dataset.area = "";
      }
    } catch (err) { /* offline for a moment: the server still looks the ward up on save */ }
  }

  address.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(lookUp, 300); });
}());
