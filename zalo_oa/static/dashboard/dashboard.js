// Staff dashboard: small progressive enhancements; every page works without them.
"use strict";

function showStatusFields() {
  const select = document.getElementById("status-select");
  if (!select) return;
  const update = () => {
    document.querySelectorAll("[data-for-status]").forEach((el) => {
      el.hidden = el.dataset.forStatus !== select.value;
    });
    const reason = document.getElementById("reason");
    if (reason) reason.required = select.value === "rejected";
    const target = document.getElementById("duplicate-of");
    if (target) target.required = select.value === "duplicate";
  };
  select.addEventListener("change", update);
  update();
}

function fillCannedReplies() {
  document.querySelectorAll("select.canned").forEach((select) => {
    select.addEventListener("change", () => {
      const box = document.getElementById(select.dataset.target);
      if (box && select.value) { box.value = select.value; box.focus(); }
    });
  });
}

function drawMap() {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  const map = window.L.map(el).setView(at, 17);
  window.L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" })
    .addTo(map);
  window.L.marker(at).addTo(map);
}

function chatLine(item, labels) {
  const li = document.createElement("li");
  const mine = item.kind === "staff_message" || item.kind === "reply";
  li.className = "bubble " + (item.kind === "citizen_message" ? "them" : mine ? "us" : "event");
  const head = document.createElement("small");
  head.textContent = item.at + " · " + (labels[item.kind] || item.kind) + " · " + item.actor;
  li.appendChild(head);
  if (item.body) {
    const body = document.createElement("div");
    body.textContent = item.body;  // text, never HTML: citizens write what they like
    li.appendChild(body);
  }
  item.delivery.forEach((d) => {
    const state = document.createElement("small");
    state.className = "delivery delivery-" + d.state;
    state.textContent = "✉ " + (labels["delivery-" + d.state] || d.state) + (d.detail ? " — " + d.detail : "");
    li.appendChild(state);
  });
  return li;
}

function followChat() {
  const panel = document.getElementById("chat");
  if (!panel) return;
  const log = document.getElementById("chat-log");
  const state = document.getElementById("handoff-state");
  const tpl = document.getElementById("chat-labels").dataset;
  const labels = { citizen_message: tpl.citizen, staff_message: tpl.staff, reply: tpl.reply,
    handoff_taken: tpl.taken, handoff_returned: tpl.returned };
  Object.keys(tpl).filter((k) => k.startsWith("delivery")).forEach((k) => {
    labels["delivery-" + k.slice(8).toLowerCase()] = tpl[k];
  });
  let last = "";
  const poll = async () => {
    try {
      const response = await fetch(panel.dataset.url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      const seen = JSON.stringify(data);
      if (seen === last) return;
      last = seen;
      log.replaceChildren(...data.items.map((item) => chatLine(item, labels)));
      log.scrollTop = log.scrollHeight;
      state.textContent = data.handoff.active ? tpl.by + " " + data.handoff.staff : tpl.bot;
    } catch (err) { /* offline for a moment: the next poll tries again */ }
  };
  poll();
  setInterval(poll, 2000);
  const form = document.getElementById("chat-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await fetch(form.action, { method: "POST", body: new FormData(form),
        headers: { Accept: "application/json" } });
      if (response.ok) { document.getElementById("chat-text").value = ""; poll(); }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  showStatusFields();
  fillCannedReplies();
  drawMap();
  followChat();
});
