// A broadcast in progress: its numbers are read again every few seconds from
// /tableau/diffusions/<n>/etat and written into the page's aria-live region, until every
// delivery is final. Without JavaScript, the page's « Mettre à jour » link does the same.
(function () {
  "use strict";
  var region = document.getElementById("avancement");
  if (!region || !region.dataset.etat) {
    return;
  }
  var EVERY_MS = 4000;
  var timer = null;

  // « 0 chat », « 1 chat », « 2 chats »: 0 and 1 take the singular, as in French
  // (relay/wording.py).
  function count(number, singular) {
    return number + " " + (Math.abs(number) < 2 ? singular : singular + "s");
  }

  function write(container, name, value) {
    var cell = container.querySelector('[data-champ="' + name + '"]');
    if (cell && cell.textContent !== String(value)) {
      cell.textContent = String(value);
    }
  }

  function show(state) {
    write(region, "recipients", count(state.recipients, "chat"));
    write(region, "duration", state.duration);
    state.platforms.forEach(function (p) {
      var row = region.querySelector('tr[data-plateforme="' + p.platform + '"]');
      if (row) {
        ["sent", "failed", "gone", "pending"].forEach(function (name) {
          write(row, name, p[name]);
        });
      }
    });
    if (state.done) {
      window.clearInterval(timer);
      var note = region.querySelector('[data-champ="done"]');
      if (note) {
        note.textContent = "Envoi terminé. ";
        var link = document.createElement("a");
        link.href = window.location.pathname;
        link.textContent = "Mettre à jour la page pour voir les échecs éventuels";
        note.appendChild(link);
      }
    }
  }

  function poll() {
    fetch(region.dataset.etat, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(show)
      .catch(function () {
        window.clearInterval(timer); // the session ended or the server is gone: stop asking
      });
  }

  timer = window.setInterval(poll, EVERY_MS);
})();
