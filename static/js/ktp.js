/* Shared behaviour for every page; each page also works without it.
   After a form comes back with errors, move focus to its error summary, so a screen reader
   reads the problems first and a keyboard user starts from the links to the fields. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) { return; }
  if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
  summary.focus();
}());
