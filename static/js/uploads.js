/* Evidence uploads: drag and drop, several files at once, a progress bar per file.
   Without JavaScript the same forms post the files in one go. */
(function () {
  "use strict";

  function filesInput(form) {
    return form.querySelector("input[type=file]") ||
      document.querySelector("input[type=file][form='" + form.id + "']");
  }

  function fieldsOf(form) {
    /* The form's own fields plus those that point at it with form="…". */
    var data = new FormData(form);
    data.delete("files");
    return data;
  }

  function progressList(input) {
    var zone = input.closest("[data-drop]");
    if (zone) { return zone.querySelector(".upload-progress"); }
    /* A field with no drop zone (the "new version" field beside a file): its answers go in
       a list of their own after it, so the result is never silent. */
    var id = (input.id || input.name) + "-progress";
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("ul");
      list.id = id;
      list.className = "list-unstyled upload-progress mb-0 w-100";
      list.setAttribute("aria-live", "polite");
      input.parentNode.appendChild(list);
    }
    return list;
  }

  function say(list, text, cls) {
    if (!list) { return null; }
    var item = document.createElement("li");
    item.className = "small " + (cls || "");
    item.textContent = text;
    list.appendChild(item);
    return item;
  }

  /* Several files chosen at once: each gets its own evidence type and title, the type
     preset to the form's (the question's expected type first). */
  function typeSelect(form) {
    return form.querySelector("select[name=evidence_type]") ||
      document.querySelector("select[name=evidence_type][form='" + form.id + "']");
  }

  function perFileBox(input) {
    var id = (input.id || input.name) + "-each";
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.className = "upload-each mt-2";
      var zone = input.closest("[data-drop]") || input.parentNode;
      zone.appendChild(box);
    }
    return box;
  }

  function showPerFile(input) {
    var form = input.form || (input.getAttribute("form") && document.getElementById(input.getAttribute("form")));
    if (!form) { return; }
    var select = typeSelect(form);
    var box = perFileBox(input);
    box.textContent = "";
    var several = Boolean(select) && input.files.length > 1;
    // With several files, each file's own fields stand in for the form's single ones.
    var title = form.querySelector("input[name=title]") ||
      document.querySelector("input[name=title][form='" + form.id + "']");
    [select, title].forEach(function (field) {
      if (!field) { return; }
      field.hidden = several;
      var label = field.id && document.querySelector("label[for='" + field.id + "']");
      if (label) { label.hidden = several; }
    });
    if (!several) { return; }
    var heading = document.createElement("p");
    heading.className = "small fw-semibold mb-1";
    heading.textContent = "Each file's evidence type and title";
    box.appendChild(heading);
    Array.prototype.forEach.call(input.files, function (file, index) {
      var row = document.createElement("fieldset");
      row.className = "border rounded p-2 mb-2";
      var legend = document.createElement("legend");
      legend.className = "fs-6 mb-1 text-break";
      legend.textContent = file.name;
      row.appendChild(legend);
      var typeId = box.id + "-type-" + index;
      var typeLabel = document.createElement("label");
      typeLabel.className = "form-label small mb-0";
      typeLabel.htmlFor = typeId;
      typeLabel.textContent = "Evidence type";
      var own = select.cloneNode(true);
      own.id = typeId;
      own.removeAttribute("name");
      own.removeAttribute("form");
      own.hidden = false;
      own.className = "form-select form-select-sm mb-1";
      own.value = select.value;
      own.setAttribute("data-file-type", String(index));
      var titleId = box.id + "-title-" + index;
      var titleLabel = document.createElement("label");
      titleLabel.className = "form-label small mb-0";
      titleLabel.htmlFor = titleId;
      titleLabel.textContent = "Title (optional)";
      var title = document.createElement("input");
      title.type = "text";
      title.id = titleId;
      title.className = "form-control form-control-sm";
      title.setAttribute("data-limit", "200");
      title.setAttribute("data-file-title", String(index));
      row.append(typeLabel, own, titleLabel, title);
      box.appendChild(row);
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][name=files]")) { showPerFile(input); }
  });

  function sendOne(form, file, list, index, input) {
    return new Promise(function (resolve) {
      var line = say(list, file.name + ": 0%");
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = 0; bar.className = "portal-progress ms-2";
      bar.setAttribute("aria-label", "Upload progress of " + file.name);
      if (line) { line.appendChild(bar); }
      var data = fieldsOf(form);
      var box = input && document.getElementById((input.id || input.name) + "-each");
      var ownType = box && box.querySelector("[data-file-type='" + index + "']");
      var ownTitle = box && box.querySelector("[data-file-title='" + index + "']");
      if (ownType) { data.set("evidence_type", ownType.value); }
      if (ownTitle) { data.set("title", ownTitle.value); }
      data.append("files", file, file.name);
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable && line) {
          var percent = Math.round(100 * event.loaded / event.total);
          bar.value = percent;
          line.firstChild.nodeValue = file.name + ": " + percent + "% ";
        }
      });
      request.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(request.responseText); } catch (e) { answer = {}; }
        if (line) {
          line.firstChild.nodeValue = file.name + ": " +
            (answer.ok ? (answer.messages || ["uploaded"]).join(" ") :
              (answer.message || "upload failed (" + request.status + ")")) + " ";
          line.className = "small " + (answer.ok ? "text-success" : "text-danger");
        }
        resolve(Boolean(answer.ok));
      });
      request.addEventListener("error", function () {
        if (line) {
          line.firstChild.nodeValue = file.name + ": the upload was interrupted; try again. ";
          line.className = "small text-danger";
        }
        resolve(false);
      });
      request.send(data);
    });
  }

  /* Back to where the files are listed: the page the form names (a section with this
     question's evidence open), or this page again. */
  function showAgain(form) {
    var back = form.dataset.return ? new URL(form.dataset.return, window.location.href) : null;
    var here = window.location;
    if (back && back.pathname + back.search !== here.pathname + here.search) {
      here.assign(back.href);
    } else {
      here.reload();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-upload-form]") || !window.FormData) { return; }
    var input = filesInput(form);
    if (!input || !input.files.length) { return; }
    event.preventDefault();
    var list = progressList(input);
    var limit = Number(form.dataset.maxBytes || 0);
    var files = Array.prototype.slice.call(input.files);
    var tooBig = files.filter(function (file) { return limit && file.size > limit; });
    tooBig.forEach(function (file) {
      say(list, file.name + ": larger than the " + Math.round(limit / 1048576) +
        " MB limit, not uploaded.", "text-danger");
    });
    var chain = Promise.resolve([]);
    files.forEach(function (file, index) {
      if (limit && file.size > limit) { return; }
      chain = chain.then(function (results) {
        return sendOne(form, file, list, index, input).then(function (ok) {
          return results.concat([ok]);
        });
      });
    });
    chain.then(function (results) {
      if (results.length && results.every(Boolean) && !tooBig.length) {
        /* The list on the page is redrawn with the new files; a moment first, so that the
           answer above can be read. */
        window.setTimeout(function () { showAgain(form); }, 1000);
      }
    });
  });

  /* Dropping files on a zone puts them in its file input (the picker works as usual). */
  document.addEventListener("dragover", function (event) {
    var zone = event.target.closest && event.target.closest("[data-drop]");
    if (zone) { event.preventDefault(); zone.classList.add("drop-active"); }
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest && event.target.closest("[data-drop]");
    if (zone) { zone.classList.remove("drop-active"); }
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest("[data-drop]");
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.remove("drop-active");
    var input = zone.querySelector("input[type=file]");
    if (input && event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
    }
  });
})();
