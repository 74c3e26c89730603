/* QAD section pages: rows of table answers, added and removed without a page load.
   Everything here also works without JavaScript (the "Add a row" button submits the form). */
(function () {
  "use strict";

  function nextIndex(totalInput) {
    var n = parseInt(totalInput.value, 10);
    totalInput.value = String(n + 1);
    return n;
  }

  function addRow(button) {
    var answer = button.closest(".answer");
    if (!answer) { return false; }
    var template = answer.querySelector("template[data-row-template]");
    var body = answer.querySelector("tbody[data-rows]");
    var total = answer.querySelector("input[name$='-rows-TOTAL_FORMS']");
    if (!template || !body || !total) { return false; }
    var index = nextIndex(total);
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/row new/g, "row " + String(index + 1));
    body.insertAdjacentHTML("beforeend", html);
    var first = body.lastElementChild.querySelector("input, select, textarea");
    if (first) { first.focus(); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (button && addRow(button)) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("input[type=checkbox][name$='-DELETE']")) {
      var row = box.closest("tr");
      if (row) { row.classList.toggle("row-removed", box.checked); }
    }
  });

  /* Nothing typed is lost by leaving the page before the autosave has fired: a link waits
     for pending saves, and closing the tab sends them as a beacon. */
  function markEdited(event) {
    var answer = event.target.closest && event.target.closest(".answer[hx-post]");
    if (answer) { answer.dataset.edited = String(Date.now()); }
  }
  document.addEventListener("input", markEdited, true);
  document.addEventListener("change", markEdited, true);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var answer = event.detail.elt;
    if (answer && answer.dataset) { answer.dataset.sent = String(Date.now()); }
  });

  /* The server could not save (its database was unreachable): the answer counts as unsaved
     again and is sent once more after the pause the server asks for. */
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    var answer = event.detail.elt;
    var retry = xhr && xhr.getResponseHeader && xhr.getResponseHeader("X-Save-Retry");
    if (!retry || !answer || !answer.dataset) { return; }
    answer.dataset.edited = String(Date.now() + 1);
    window.setTimeout(function () {
      if (window.htmx && document.body.contains(answer)) { window.htmx.trigger(answer, "change"); }
    }, Number(retry) * 1000);
  });

  function pendingAnswers() {
    return Array.prototype.filter.call(
      document.querySelectorAll(".answer[hx-post]"),
      function (answer) {
        return Number(answer.dataset.edited || 0) > Number(answer.dataset.sent || 0);
      }
    );
  }

  function saveNow(answer) {
    return new Promise(function (resolve) {
      function done(event) {
        if (event.detail.elt === answer) {
          document.body.removeEventListener("htmx:afterRequest", done);
          resolve();
        }
      }
      document.body.addEventListener("htmx:afterRequest", done);
      window.htmx.trigger(answer, "change");
      window.setTimeout(resolve, 8000);
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey ||
        link.target === "_blank" || !window.htmx) { return; }
    var pending = pendingAnswers();
    if (!pending.length) { return; }
    event.preventDefault();
    Promise.all(pending.map(saveNow)).then(function () { window.location.href = link.href; });
  });

  /* Settling a conflict posts the whole section form to a page that settles that one answer:
     the other answers typed but not yet autosaved are saved first, then the choice is sent. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-settles-conflict]");
    if (!button || !button.form || !window.htmx || button.dataset.waited) { return; }
    // The choice sits in the answer's status, beside the answer's own fields.
    var status = button.closest(".save-status");
    var own = status && status.parentElement.querySelector(".answer[hx-post]");
    var pending = pendingAnswers().filter(function (answer) { return answer !== own; });
    if (!pending.length) { return; }
    event.preventDefault();
    var form = button.form;
    var action = button.getAttribute("formaction");
    var choice = button.value;
    Promise.all(pending.map(saveNow)).then(function () {
      // The box of the settled answer goes with the choice itself, not as an autosave.
      if (own) { own.dataset.sent = String(Date.now()); }
      // A save's answer may have redrawn the panel: send the choice from the button now shown.
      var shown = Array.prototype.find.call(
        form.querySelectorAll("button[data-settles-conflict]"),
        function (b) { return b.getAttribute("formaction") === action && b.value === choice; }
      ) || button;
      shown.dataset.waited = "yes";
      if (shown.form) { form.requestSubmit(shown); return; }
      var keep = document.createElement("input");
      keep.type = "hidden";
      keep.name = button.name;
      keep.value = choice;
      form.appendChild(keep);
      form.action = action;
      form.submit();
    });
  });

  window.addEventListener("pagehide", function () {
    pendingAnswers().forEach(function (answer) {
      var form = answer.closest("form");
      if (form && navigator.sendBeacon) {
        navigator.sendBeacon(answer.getAttribute("hx-post"), new FormData(form));
        answer.dataset.sent = String(Date.now());
      }
    });
  });

  /* After a plain (no-JavaScript style) save with problems, take the reader to the summary. */
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
