/* Text with a limit: the count under the field follows what is typed, and says in words
   when the text is too long (it is refused, not cut: the browser is given no maxlength).
   The words are those of qad/templatetags/answer_fields.py `character_count`. */
(function () {
  "use strict";

  var grouped = new Intl.NumberFormat("en-GB");

  function countText(used, limit) {
    if (used > limit) {
      return grouped.format(used) + " of " + grouped.format(limit) + " characters: " +
        grouped.format(used - limit) + " too many. It is not saved until it is shorter.";
    }
    return grouped.format(used) + " of " + grouped.format(limit) + " characters";
  }

  function update(field) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    if (!limit || !field.id) { return; }
    var count = document.querySelector("[data-count-for='" + field.id + "']");
    if (!count) {
      // Short fields carry no count until something is typed in them.
      count = document.createElement("div");
      count.className = "form-text char-count";
      count.id = field.id + "_count";
      count.setAttribute("data-count-for", field.id);
      field.insertAdjacentElement("afterend", count);
    }
    var over = field.value.length > limit;
    count.textContent = countText(field.value.length, limit);
    count.classList.toggle("text-danger", over);
    count.classList.toggle("fw-semibold", over);
    field.classList.toggle("is-invalid", over);
    field.setAttribute("aria-invalid", over ? "true" : "false");
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-limit]")) {
      update(event.target);
    }
  });
})();
