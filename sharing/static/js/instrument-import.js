/*
 * The instrument import page (instruments/templates/instruments/import.html).
 *
 * "Check the file" sends it to POST /api/v1/instruments/import?dry_run=1&partial=1, which writes
 * nothing and answers how many rows would be created and updated and every error by row and
 * column. Then "Import" sends it again without dry_run (all or nothing), or "Import valid rows
 * only" with partial=1. The session cookie authenticates; the page's CSRF token goes in the
 * X-CSRFToken header. Texts come translated from the page's data-msg-* attributes.
 */
(function () {
  "use strict";

  var root = document.getElementById("instrument-import");
  if (!root) {
    return;
  }
  var csrfToken = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var fieldLabels = JSON.parse(root.dataset.fieldLabels || "{}");

  var form = document.getElementById("import-form");
  var fileInput = document.getElementById("import-file");
  var checkButton = document.getElementById("check-file");
  var importAll = document.getElementById("import-all");
  var importValid = document.getElementById("import-valid");
  var importAllHint = document.getElementById("import-all-hint");
  var uploadStatus = document.getElementById("upload-status");
  var uploadProgress = document.getElementById("upload-progress");
  var uploadBar = document.getElementById("upload-bar");
  var uploadLabel = document.getElementById("upload-label");
  var processing = document.getElementById("processing");
  var processingText = document.getElementById("processing-text");
  var message = document.getElementById("import-message");
  var preview = document.getElementById("import-preview");
  var errorsBox = document.getElementById("import-errors-box");
  var errorsBody = document.querySelector("#import-errors tbody");
  var done = document.getElementById("import-done");

  var timer = null;
  var allOrNothingPossible = false; // set by the last check: no errors in the file

  /* A translated text of the page with its {placeholders} filled in. */
  function text(key, values) {
    var template = root.dataset[key] || "";
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

  function show(element, visible) {
    element.hidden = !visible;
  }

  function say(kind, words) {
    message.className = "alert alert-" + kind;
    message.textContent = words;
    show(message, true);
  }

  function setBusy(busy) {
    [fileInput, checkButton, importValid].forEach(function (el) {
      el.disabled = busy;
    });
    importAll.disabled = busy || !allOrNothingPossible;
  }

  function setProgress(fraction) {
    var percent = Math.round(fraction * 100);
    uploadBar.style.width = percent + "%";
    uploadBar.textContent = percent + "%";
    uploadProgress.setAttribute("aria-valuenow", String(percent));
  }

  function startProcessing(key) {
    var started = Date.now();
    show(processing, true);
    processingText.textContent = text(key, { seconds: 0 });
    timer = window.setInterval(function () {
      processingText.textContent = text(key, { seconds: Math.floor((Date.now() - started) / 1000) });
    }, 1000);
  }

  function stopIndicators() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
    show(processing, false);
    show(uploadStatus, false);
  }

  function resetResults() {
    show(message, false);
    show(preview, false);
    show(done, false);
    errorsBody.textContent = "";
  }

  /* POST the chosen file; resolves with {status, body} (body null when it was not JSON). */
  function upload(file, params, processingKey) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", root.dataset.url + "?" + new URLSearchParams(params).toString());
      xhr.setRequestHeader("X-CSRFToken", csrfToken);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) {
          setProgress(event.loaded / event.total);
        }
      };
      xhr.upload.onload = function () {
        setProgress(1);
        uploadLabel.textContent = text("msgUploaded");
        startProcessing(processingKey);
      };
      xhr.onload = function () {
        var body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (ignored) {
          body = null;
        }
        resolve({ status: xhr.status, body: body });
      };
      xhr.onerror = function () {
        reject(new Error("network"));
      };
      var data = new FormData();
      data.append("file", file, file.name);
      setProgress(0);
      uploadLabel.textContent = text("msgUploading");
      show(uploadStatus, true);
      xhr.send(data);
    });
  }

  function chosenFile() {
    var file = fileInput.files && fileInput.files[0];
    if (!file) {
      say("warning", text("msgChoose"));
      return null;
    }
    if (!/\.(xlsx|csv)$/i.test(file.name)) {
      say("warning", text("msgWrongType"));
      return null;
    }
    var maxBytes = parseInt(root.dataset.maxBytes || "0", 10);
    if (maxBytes && file.size > maxBytes) {
      say("danger", text("msgTooLarge"));
      return null;
    }
    return file;
  }

  function errorMessage(body) {
    return (body && body.error && body.error.message) || "";
  }

  /* Plain words for an answer that is not a 200 report. */
  function explainFailure(response) {
    if (response.status === 413) {
      say("danger", text("msgTooLarge"));
    } else if (response.status === 422) {
      say("danger", text("msgUnreadable", { message: errorMessage(response.body) }));
    } else if (response.status === 400 && response.body && response.body.error &&
               response.body.error.code === "csrf_failed") {
      say("danger", text("msgExpired"));
    } else {
      say("danger", text("msgFailed", { message: errorMessage(response.body) || response.status }));
    }
  }

  function countRows(errors) {
    var rows = {};
    errors.forEach(function (e) {
      rows[e.row] = true;
    });
    return Object.keys(rows).length;
  }

  function showErrors(errors) {
    var fragment = document.createDocumentFragment();
    errors.forEach(function (e) {
      var tr = document.createElement("tr");
      [e.row, fieldLabels[e.field] || e.field || "", e.message].forEach(function (value) {
        var td = document.createElement("td");
        td.textContent = value === null || value === undefined ? "" : String(value);
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    });
    errorsBody.textContent = "";
    errorsBody.appendChild(fragment);
    show(errorsBox, errors.length > 0);
  }

  function showPreview(report) {
    var errors = report.errors || [];
    var counts = { created: report.created, updated: report.updated };
    showErrors(errors);
    show(preview, true);
    if (errors.length === 0 && report.created + report.updated === 0) {
      say("warning", text("msgEmpty"));
      show(preview, false);
      return;
    }
    if (errors.length === 0) {
      say("success", text("msgPreviewOk", counts));
    } else {
      counts.problems = errors.length;
      counts.rows = countRows(errors);
      say("warning", text("msgPreviewErrors", counts));
    }
    // All or nothing is possible only without errors; the valid rows alone only when there are some.
    allOrNothingPossible = errors.length === 0;
    show(importAllHint, errors.length > 0);
    show(importValid, errors.length > 0 && report.created + report.updated > 0);
  }

  function showResult(report) {
    var errors = report.errors || [];
    showErrors(errors);
    allOrNothingPossible = false;
    if (errors.length > 0 && report.created + report.updated === 0) {
      // The file changed since it was checked: nothing was written; show why.
      say("danger", text("msgRejected", { problems: errors.length }));
      show(preview, true);
      show(importAllHint, true);
      show(importValid, true);
      return;
    }
    say("success", text("msgDone", { created: report.created, updated: report.updated }));
    show(preview, errors.length > 0);
    show(importAll, false);
    show(importValid, false);
    show(importAllHint, false);
    show(done, true);
  }

  function run(params, processingKey, onReport) {
    var file = chosenFile();
    if (!file) {
      return;
    }
    setBusy(true);
    show(message, false);
    upload(file, params, processingKey)
      .then(function (response) {
        stopIndicators();
        if (response.status === 200 && response.body) {
          onReport(response.body);
        } else {
          show(preview, false);
          explainFailure(response);
        }
      })
      .catch(function () {
        stopIndicators();
        say("danger", text("msgNetwork"));
      })
      .finally(function () {
        setBusy(false);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    resetResults();
    allOrNothingPossible = false;
    show(importAll, true);
    run({ dry_run: "1", partial: "1" }, "msgProcessing", showPreview);
  });
  importAll.addEventListener("click", function () {
    run({}, "msgImporting", showResult);
  });
  importValid.addEventListener("click", function () {
    run({ partial: "1" }, "msgImporting", showResult);
  });
  fileInput.addEventListener("change", resetResults);
})();
