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

  /* Nothing typed is lost to a failed save. Until the server confirms an answer, what was
     typed is kept in this browser (localStorage, per answer) and sent again: after the pause
     the server asks for (its database was unreachable, or someone else was saving), after a
     server error or a lost connection with a growing pause, and at once when the browser is
     back online. Leaving the page with text not yet confirmed asks first. */
  var STORE = "qad-unsent:";
  var BACKOFF = [2, 4, 8, 15, 30];

  function isAnswer(elt) {
    return elt && elt.matches && elt.matches(".answer[hx-post]");
  }

  function fieldsOf(answer) {
    return Array.prototype.map.call(
      answer.querySelectorAll("input[name], textarea[name], select[name]"),
      function (field) {
        var checkable = field.type === "checkbox" || field.type === "radio";
        return [field.name, field.value, checkable ? field.checked : null];
      }
    );
  }

  function keep(answer) {
    try {
      window.localStorage.setItem(STORE + answer.getAttribute("hx-post"), JSON.stringify({
        at: Date.now(), fields: fieldsOf(answer)
      }));
    } catch (ignored) { /* storage full or refused: the page itself still holds the text */ }
  }

  function forget(answer) {
    try { window.localStorage.removeItem(STORE + answer.getAttribute("hx-post")); }
    catch (ignored) { /* nothing kept */ }
  }

  function unconfirmed() {
    return Array.prototype.filter.call(
      document.querySelectorAll(".answer[hx-post]"),
      function (answer) {
        return Number(answer.dataset.edited || 0) > Number(answer.dataset.confirmed || 0);
      }
    );
  }

  /* The words of a status line, written once on the section's form rather than on every answer. */
  function words(answer, name) {
    var holder = answer.closest("[data-offline]");
    return holder ? holder.dataset[name] : "";
  }

  function say(answer, text) {
    var target = document.querySelector(answer.getAttribute("hx-target"));
    if (!target) { return; }
    var line = document.createElement("div");
    line.className = "text-danger";
    line.setAttribute("role", "alert");
    line.textContent = text;
    target.replaceChildren(line);
  }

  function resendLater(answer, seconds) {
    window.clearTimeout(Number(answer.dataset.resend || 0));
    answer.dataset.resend = String(window.setTimeout(function () {
      if (window.htmx && document.body.contains(answer)) { window.htmx.trigger(answer, "change"); }
    }, seconds * 1000));
  }

  document.addEventListener("input", function (event) {
    var answer = event.target.closest && event.target.closest(".answer[hx-post]");
    if (answer) { keep(answer); }
  }, true);
  document.addEventListener("change", function (event) {
    var answer = event.target.closest && event.target.closest(".answer[hx-post]");
    if (answer) { keep(answer); }
  }, true);

  document.addEventListener("htmx:afterRequest", function (event) {
    var answer = event.detail.elt;
    if (!isAnswer(answer)) { return; }
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    var retry = xhr && xhr.getResponseHeader && xhr.getResponseHeader("X-Save-Retry");
    var outcome = xhr && xhr.getResponseHeader && xhr.getResponseHeader("X-Save-Outcome");
    if (retry) {
      answer.dataset.edited = String(Date.now() + 1);
      resendLater(answer, Number(retry));
      return;
    }
    if (!status || status >= 500) {
      // No answer at all (the connection is gone) or a server error: try again, more slowly.
      var failures = Number(answer.dataset.failures || 0);
      answer.dataset.failures = String(failures + 1);
      answer.dataset.edited = String(Date.now() + 1);
      say(answer, words(answer, status ? "serverError" : "offline"));
      resendLater(answer, BACKOFF[Math.min(failures, BACKOFF.length - 1)]);
      return;
    }
    answer.dataset.failures = "0";
    // Saved, or kept by the server in an edit conflict: the server holds the text now. A
    // refused value (400, 403) stays in the box and in this browser until it is put right.
    if (event.detail.successful && (!outcome || outcome === "409")) {
      answer.dataset.confirmed = answer.dataset.sent || String(Date.now());
      if (Number(answer.dataset.edited || 0) <= Number(answer.dataset.confirmed)) {
        forget(answer);
      }
    }
  });

  window.addEventListener("online", function () {
    unconfirmed().forEach(function (answer) { resendLater(answer, 0); });
  });

  window.addEventListener("beforeunload", function (event) {
    if (unconfirmed().length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  /* Text typed on this page earlier and never confirmed (the tab was closed offline, the
     browser crashed) is put back into its box and sent. */
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".answer[hx-post]"), function (answer) {
      var kept;
      try { kept = JSON.parse(window.localStorage.getItem(STORE + answer.getAttribute("hx-post"))); }
      catch (ignored) { kept = null; }
      if (!kept || !kept.fields) { return; }
      var changed = false;
      var version = null;
      kept.fields.forEach(function (entry) {
        var field = answer.querySelector("[name='" + entry[0] + "']");
        if (!field) { return; }
        if (/-version$/.test(entry[0])) { version = [field, entry[1]]; return; }
        if (entry[2] !== null) {
          if (field.checked !== entry[2]) { field.checked = entry[2]; changed = true; }
        } else if (field.value !== entry[1]) {
          field.value = entry[1];
          changed = true;
        }
      });
      if (!changed) { forget(answer); return; }
      // Sent as an edit of the version it was typed over: if someone has saved since, the
      // server keeps both texts as a conflict rather than replacing theirs.
      if (version) { version[0].value = version[1]; }
      answer.dataset.edited = String(Date.now());
      say(answer, words(answer, "restored"));
      resendLater(answer, 0.5);
    });
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
