// The live findings: an EventSource on the page's feed (same filters). EventSource reconnects
// by itself and sends back the last event id, from which the server resumes; a finding
// already on the page (same finding_id) is not added twice, but shown at its latest state.
"use strict";
(function () {
  const list = document.getElementById("findings");
  // A burst of findings must not grow the page without end: the oldest rows go first.
  const MAX_ROWS = 500;
  const status = document.getElementById("live-status");
  if (!list || !status || !window.EventSource) return;

  function say(text, state) {
    status.textContent = text;
    status.className = "live " + state;
  }

  function count() {
    const n = list.children.length;
    const counter = document.getElementById("findings-count");
    if (counter) counter.textContent = n.toLocaleString("fr-FR");
    const empty = document.getElementById("findings-empty");
    if (empty && n > 0) empty.remove();
  }

  const source = new EventSource(list.dataset.feed);
  source.addEventListener("open", function () {
    say("En direct : les nouveaux constats s'affichent sans recharger la page.", "ok");
  });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      say("Flux arrêté (session expirée ?) : rechargez la page.", "down");
    } else {
      say("Flux interrompu : reconnexion automatique…", "retry");
    }
  });
  source.addEventListener("panne", function (event) {
    say(JSON.parse(event.data).message + " Reconnexion automatique…", "retry");
  });
  source.addEventListener("constat", function (event) {
    const finding = JSON.parse(event.data);
    const template = document.createElement("template");
    template.innerHTML = finding.html.trim();  // rendered and escaped by the server
    const row = template.content.firstElementChild;
    for (const shown of list.children) {
      if (shown.dataset.findingId === finding.id) {
        // The same finding again (the last one sent before a reconnection, or a change of
        // state of a finding the feed follows): the newer row takes the place of the old.
        if (shown.dataset.state !== row.dataset.state) row.classList.add("new");
        shown.replaceWith(row);
        return;
      }
    }
    row.classList.add("new");
    // Newest first: before the first row recorded earlier.
    let before = null;
    for (const other of list.children) {
      if (Number(other.dataset.recordedAt) < finding.recorded_at) { before = other; break; }
    }
    list.insertBefore(row, before);
    while (list.children.length > MAX_ROWS) list.lastElementChild.remove();
    count();
  });
})();
