/* The assessment run page while a run is queued or running: poll the run's JSON progress
   (standards:run-progress) every 2 seconds and update the panel in place, without reloading.
   Without JavaScript the panel keeps its "reload this page" link. */
(function () {
  "use strict";
  var INTERVAL_MS = 2000;
  var MAX_FAILURES = 5;
  var BADGES = { done: "status-operating", failed: "status-sealed" };

  function showStatus(data) {
    var status = document.getElementById("run-status");
    if (!status) { return; }
    var badge = status.querySelector(".badge");
    var phase = status.querySelector(".run-phase");
    if (badge) {
      badge.textContent = data.status_label;
      badge.className = "badge " + (BADGES[data.status] || "status-rectifying");
    }
    if (phase) { phase.textContent = data.running ? data.phase_label + " " + data.progress + "%" : ""; }
  }

  function start(panel) {
    var url = panel.getAttribute("data-progress-url");
    var text = document.getElementById("progress-text");
    var bar = document.getElementById("progress-bar");
    var reload = document.getElementById("progress-reload");
    var done = document.getElementById("progress-done");
    var failures = 0;
    reload.hidden = true;

    function show(data) {
      showStatus(data);
      text.textContent = data.running ? data.text : data.status_label;
      bar.value = data.progress;
      bar.textContent = data.progress + "%";
      if (!data.running) {
        bar.value = data.status === "done" ? 100 : data.progress;
        done.hidden = false;
        return false;
      }
      return true;
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          if (show(data)) { window.setTimeout(poll, INTERVAL_MS); }
        })
        .catch(function () {
          failures += 1;
          if (failures < MAX_FAILURES) { window.setTimeout(poll, INTERVAL_MS); } else { reload.hidden = false; }
        });
    }
    window.setTimeout(poll, INTERVAL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("progress");
    if (panel && panel.getAttribute("data-progress-url")) { start(panel); }
  });
})();
