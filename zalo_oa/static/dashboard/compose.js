"use strict";
// The compose page: a character counter and the audience size as the criteria change.
(function () {
  var form = document.getElementById("compose"), body = document.getElementById("body");
  var counter = document.getElementById("counter"), size = document.getElementById("audience-size");
  var sizeUrl = form.dataset.sizeUrl, timer = null;
  function count() { counter.textContent = body.value.length; }
  function refreshSize() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && key !== "body" && key !== "csrf_token") params.append(key, value);
    });
    fetch(sizeUrl + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) { size.textContent = data.size; });
  }
  function later() { clearTimeout(timer); timer = setTimeout(refreshSize, 250); }
  body.addEventListener("input", count);
  document.getElementById("audience").addEventListener("input", later);
  document.getElementById("audience").addEventListener("change", later);
  count(); refreshSize();
})();
