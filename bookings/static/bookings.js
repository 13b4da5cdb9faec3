/*
 * "My bookings" and the booking page: "Cancel booking" opens a dialog with the reason field
 * instead of the confirmation page (the link still leads there without JavaScript).
 */
(function () {
  "use strict";

  var dialog = document.getElementById("cancel-dialog");
  if (!dialog || !window.bootstrap) {
    return;
  }
  var form = dialog.querySelector("form.cancel-form");
  var modal = new window.bootstrap.Modal(dialog);

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.cancel-button");
    if (!link) {
      return;
    }
    event.preventDefault();
    form.action = link.href;
    form.reset();
    modal.show();
  });

  dialog.addEventListener("shown.bs.modal", function () {
    form.querySelector("input[name=reason]").focus();
  });
})();
