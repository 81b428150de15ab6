// The sandbox phone: plays one citizen against the OA. Text from messages is only ever set
// with textContent, never as HTML.
(function () {
  "use strict";

  const root = document.getElementById("phone");
  const BASE = root.dataset.base;
  const POLL_MS = 1000;
  const STORE = { user: "zaloSandbox.userId", name: "zaloSandbox.displayName",
                  hidden: "zaloSandbox.hiddenMsgIds" };
  const $ = (id) => document.getElementById(id);

  let userId = localStorage.getItem(STORE.user) || "";
  let displayName = localStorage.getItem(STORE.name) || "";
  let lastSignature = "";
  let pollTimer = null;
  // msg_ids of oa.query.hide taps: sent to the OA but, as on Zalo, not shown in the chat.
  const hiddenMsgIds = new Set(JSON.parse(localStorage.getItem(STORE.hidden) || "[]"));

  // ---- small DOM helpers ----
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setStatus(text, isError) {
    const status = $("status");
    status.textContent = text || "";
    status.classList.toggle("error", Boolean(isError));
  }

  function safeHttpUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  // ---- talking to the sandbox ----
  async function getJson(path) {
    const response = await fetch(BASE + path, { cache: "no-store" });
    if (!response.ok) throw new Error(path + " → HTTP " + response.status);
    return response.json();
  }

  async function sendEvent(form) {
    if (!userId) {
      setStatus("Nhập mã người dùng trước · Enter a user id first", true);
      return null;
    }
    const body = Object.assign({}, form);
    if (displayName) body.display_name = displayName;
    const response = await fetch(BASE + "/citizens/" + encodeURIComponent(userId) + "/events", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    const ok = response.ok && answer.webhook_status === 200;
    setStatus(ok ? "" : "Webhook: " + (answer.webhook_status || "") + " " + (answer.error || ""),
              !ok);
    schedulePoll(0);
    return answer;
  }

  async function uploadPhoto(file) {
    const data = new FormData();
    data.append("file", file);
    const response = await fetch(BASE + "/media", { method: "POST", body: data });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || "upload failed");
    return answer.url;
  }

  // ---- rendering what the OA sent ----
  function renderButtons(buttons) {
    const box = el("div", "buttons");
    (buttons || []).forEach((button) => {
      const node = el("button", null, button.title);
      node.type = "button";
      node.dataset.type = button.type;
      node.addEventListener("click", () => onButton(button, box));
      box.appendChild(node);
    });
    return box;
  }

  function showNote(box, text) {
    const note = el("span", "note", text);
    box.appendChild(note);
  }

  async function onButton(button, box) {
    const payload = button.payload || {};
    if (button.type === "oa.query.show" || button.type === "oa.query.hide") {
      const answer = await sendEvent({ event_name: "user_send_text", text: String(payload) });
      if (button.type === "oa.query.hide" && answer && answer.event) {
        hiddenMsgIds.add(answer.event.message.msg_id);
        localStorage.setItem(STORE.hidden, JSON.stringify(Array.from(hiddenMsgIds)));
      }
    } else if (button.type === "oa.open.url") {
      const url = safeHttpUrl(payload.url);
      if (url) window.open(url, "_blank", "noopener");
    } else if (button.type === "oa.open.phone") {
      showNote(box, "📞 " + payload.phone_code);
    } else if (button.type === "oa.open.sms") {
      showNote(box, "✉ " + payload.phone_code + ": " + payload.content);
    }
  }

  function mediaSrc(element) {
    if (element.attachment_id) return BASE + "/attachments/" + encodeURIComponent(element.attachment_id);
    return safeHttpUrl(element.url);
  }

  function renderTemplate(bubble, payload) {
    const element = (payload.elements || [])[0] || {};
    if (payload.template_type === "media") {
      const src = mediaSrc(element);
      if (src) { const img = el("img"); img.src = src; img.alt = ""; bubble.appendChild(img); }
    } else if (payload.template_type === "request_user_info") {
      bubble.classList.add("card");
      const src = safeHttpUrl(element.image_url);
      if (src) { const img = el("img"); img.src = src; img.alt = ""; bubble.appendChild(img); }
      bubble.appendChild(el("strong", null, element.title));
      bubble.appendChild(el("div", "subtitle", element.subtitle));
      const box = el("div", "buttons");
      const share = el("button", "share-info", "Chia sẻ thông tin");
      share.type = "button";
      share.addEventListener("click", openInfoPanel);
      box.appendChild(share);
      bubble.appendChild(box);
    }
    if (payload.buttons) bubble.appendChild(renderButtons(payload.buttons));
  }

  function renderOaMessage(item) {
    const message = (item.payload && item.payload.message) || {};
    const bubble = el("div", "bubble oa");
    bubble.dataset.messageId = item.message_id;
    if (message.text) bubble.appendChild(el("span", "text", message.text));
    const attachment = message.attachment;
    if (attachment && attachment.type === "template" && attachment.payload) {
      renderTemplate(bubble, attachment.payload);
    }
    return bubble;
  }

  // ---- rendering what the citizen sent ----
  const SYSTEM_TEXT = {
    follow: "Bạn đã quan tâm OA · You followed the OA",
    unfollow: "Bạn đã bỏ quan tâm OA · You unfollowed the OA",
    user_click_chatnow: "Bạn đã bấm Nhắn tin · You tapped Chat now",
  };

  function renderMyContent(bubble, event) {
    const message = event.message || {};
    if (message.text) bubble.appendChild(el("span", "text", message.text));
    (message.attachments || []).forEach((attachment) => {
      const payload = attachment.payload || {};
      if (attachment.type === "image") {
        const img = el("img"); img.src = safeHttpUrl(payload.url) || ""; img.alt = "";
        bubble.appendChild(img);
      } else if (attachment.type === "location") {
        const c = payload.coordinates || {};
        bubble.appendChild(el("span", "text", "📍 " + c.latitude + ", " + c.longitude));
      } else {
        bubble.appendChild(el("span", "text", "[" + attachment.type + "] " + (payload.url || "")));
      }
    });
    if (event.info) {
      bubble.appendChild(el("span", "text", "Đã chia sẻ thông tin · Shared: " +
                            event.info.name + ", " + event.info.phone));
    }
  }

  function renderMyEvent(item) {
    const event = item.event || {};
    if (SYSTEM_TEXT[item.event_name]) return el("div", "system", SYSTEM_TEXT[item.event_name]);
    const bubble = el("div", "bubble me");
    bubble.dataset.eventName = item.event_name;
    renderMyContent(bubble, event);
    if (!bubble.childNodes.length) bubble.appendChild(el("span", "text", item.event_name));
    if (item.webhook_status !== 200) {
      bubble.appendChild(el("span", "meta warn", "webhook: " + (item.webhook_status || "—")));
    }
    return bubble;
  }

  // ---- the conversation: merge, diff, draw ----
  function isShown(item) {
    if (item.side === "oa") return true;
    if (item.event_name === "user_received_message" || item.event_name === "user_seen_message") return false;
    const message = (item.event && item.event.message) || {};
    return !hiddenMsgIds.has(message.msg_id);
  }

  function merge(messages, events) {
    const items = messages.map((m) => Object.assign({ side: "oa" }, m))
      .concat(events.map((e) => Object.assign({ side: "me" }, e)));
    items.sort((a, b) => Number(a.sent_time) - Number(b.sent_time));
    return items.filter(isShown);
  }

  function draw(items) {
    const chat = $("chat");
    const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
    chat.replaceChildren(...items.map((item) => item.side === "oa" ? renderOaMessage(item)
                                                                   : renderMyEvent(item)));
    if (atBottom || !lastSignature) chat.scrollTop = chat.scrollHeight;
  }

  async function poll() {
    if (!userId) return;
    const path = "/citizens/" + encodeURIComponent(userId);
    try {
      const [messages, events] = await Promise.all([getJson(path + "/messages"),
                                                    getJson(path + "/events")]);
      const items = merge(messages, events);
      const signature = userId + "|" + JSON.stringify(items.map((i) => [i.side, i.sent_time,
                                                                        i.webhook_status]));
      if (signature !== lastSignature) { draw(items); lastSignature = signature; }
    } catch (error) {
      setStatus("Không tải được tin nhắn · Cannot load messages: " + error.message, true);
    }
  }

  function schedulePoll(delay) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(async () => {
      await poll();
      schedulePoll(POLL_MS);
    }, delay);
  }

  // ---- the controls ----
  async function loadKnownUsers() {
    try {
      const list = $("known-users");
      list.replaceChildren(...(await getJson("/citizens")).map((user) => {
        const option = el("option");
        option.value = user.user_id;
        option.label = user.display_name || user.user_id;
        return option;
      }));
    } catch (error) { /* the picker is a convenience; typing an id still works */ }
  }

  function useUser(event) {
    if (event) event.preventDefault();
    userId = $("user-id").value.trim();
    displayName = $("display-name").value.trim();
    localStorage.setItem(STORE.user, userId);
    localStorage.setItem(STORE.name, displayName);
    lastSignature = "";
    $("chat").replaceChildren();
    setStatus(userId ? "Đang là · Playing: " + userId : "");
    schedulePoll(0);
  }

  async function sendText(event) {
    event.preventDefault();
    const box = $("text");
    const text = box.value;
    if (!text.trim()) return;
    box.value = "";
    await sendEvent({ event_name: "user_send_text", text: text });
  }

  async function sendPhotos() {
    const files = Array.from($("photo-input").files || []);
    $("photo-input").value = "";
    if (!files.length) return;
    try {
      setStatus("Đang tải ảnh · Uploading…");
      const urls = await Promise.all(files.map(uploadPhoto));
      await sendEvent({ event_name: "user_send_image", urls: urls });
    } catch (error) {
      setStatus("Tải ảnh lỗi · Upload failed: " + error.message, true);
    }
  }

  function useMyLocation() {
    if (!navigator.geolocation) { setStatus("Không có định vị · No geolocation", true); return; }
    navigator.geolocation.getCurrentPosition((position) => {
      $("lat").value = position.coords.latitude.toFixed(6);
      $("lon").value = position.coords.longitude.toFixed(6);
    }, (error) => setStatus("Định vị lỗi · Location error: " + error.message, true));
  }

  async function sendLocation(event) {
    event.preventDefault();
    $("location-panel").hidden = true;
    await sendEvent({ event_name: "user_send_location", latitude: Number($("lat").value),
                      longitude: Number($("lon").value) });
  }

  function openInfoPanel() {
    $("info-name").value = $("info-name").value || displayName;
    $("info-panel").hidden = false;
    $("info-name").focus();
  }

  async function sendInfo(event) {
    event.preventDefault();
    $("info-panel").hidden = true;
    await sendEvent({ event_name: "user_submit_info", name: $("info-name").value.trim(),
                      phone: $("info-phone").value.trim(),
                      address: $("info-address").value.trim() });
  }

  function wire() {
    $("user-id").value = userId;
    $("display-name").value = displayName;
    $("lat").value = root.dataset.lat;
    $("lon").value = root.dataset.lon;
    $("who").addEventListener("submit", useUser);
    $("user-id").addEventListener("change", useUser);
    $("display-name").addEventListener("change", useUser);
    $("follow-btn").addEventListener("click", () => sendEvent({ event_name: "follow" }));
    $("unfollow-btn").addEventListener("click", () => sendEvent({ event_name: "unfollow" }));
    $("composer").addEventListener("submit", sendText);
    $("text").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("composer").requestSubmit(); }
    });
    $("photo-input").addEventListener("change", sendPhotos);
    $("photo-btn").addEventListener("click", () => $("photo-input").click());
    $("location-btn").addEventListener("click", () => { $("location-panel").hidden = !$("location-panel").hidden; });
    $("geo-btn").addEventListener("click", useMyLocation);
    $("location-panel").addEventListener("submit", sendLocation);
    $("info-panel").addEventListener("submit", sendInfo);
    $("info-cancel").addEventListener("click", () => { $("info-panel").hidden = true; });
  }

  wire();
  loadKnownUsers();
  schedulePoll(0);
})();
