/* Behaviour for every page. Loaded with defer; no inline scripts (the CSP forbids them). */
(function () {
  "use strict";

  // GOV.UK pattern: move focus to the error summary so screen readers announce it first.
  var summary = document.querySelector("[data-module='error-summary']");
  if (summary) {
    summary.focus();
    // Links in the summary move focus to the field, not just scroll to it.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        var label = document.querySelector("label[for='" + field.id + "']");
        (label || field).scrollIntoView();
      }
    });
  }

  document.querySelectorAll("[data-action='print']").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
