/*
 * The booking form (bookings/templates/bookings/book.html); the page works without this file.
 *
 * - The number of samples is asked only for a sample submission.
 * - Moving the start keeps the length: the end moves with it.
 */
(function () {
  "use strict";

  var form = document.getElementById("booking-form");
  if (!form) {
    return;
  }
  var sampleGroup = document.getElementById("sample-count-group");
  var modeInputs = form.querySelectorAll("input[name=mode]");
  var startDate = form.elements.start_date;
  var startTime = form.elements.start_time;
  var endDate = form.elements.end_date;
  var endTime = form.elements.end_time;

  function showSamples() {
    var sample = form.querySelector("input[name=mode]:checked");
    sampleGroup.hidden = !(sample && sample.value === "sample");
  }

  function moment(dateInput, timeInput) {
    if (!dateInput.value || !timeInput.value) {
      return null;
    }
    var value = new Date(dateInput.value + "T" + timeInput.value + ":00Z");  // wall-clock time, read as UTC
    return isNaN(value.getTime()) ? null : value;
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function setEnd(value) {
    endDate.value = value.getUTCFullYear() + "-" + pad(value.getUTCMonth() + 1) + "-" + pad(value.getUTCDate());
    endTime.value = pad(value.getUTCHours()) + ":" + pad(value.getUTCMinutes());
  }

  var lastStart = moment(startDate, startTime);

  function keepLength() {
    var start = moment(startDate, startTime);
    var end = moment(endDate, endTime);
    if (start && lastStart && end && end > lastStart) {
      setEnd(new Date(start.getTime() + (end.getTime() - lastStart.getTime())));
    } else if (start && !endDate.value) {
      endDate.value = startDate.value;
    }
    lastStart = start;
  }

  for (var i = 0; i < modeInputs.length; i += 1) {
    modeInputs[i].addEventListener("change", showSamples);
  }
  startDate.addEventListener("change", keepLength);
  startTime.addEventListener("change", keepLength);
  showSamples();
})();
