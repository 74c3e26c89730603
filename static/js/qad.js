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

  /* After a plain (no-JavaScript style) save with problems, take the reader to the summary. */
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
