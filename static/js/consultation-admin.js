/*
 * The committee's responses workbench (Wagtail admin). Progressive enhancement only: without it the forms post
 * the chosen reason template and the server uses its text when the reason is left empty.
 *  - choosing a reason template fills the reason (and the result) of the same form
 *  - forms marked data-confirm="question" ask before submitting
 */
(function () {
  "use strict";

  function readTemplates() {
    var node = document.getElementById("ca-reason-templates");
    if (!node) {
      return {};
    }
    try {
      return JSON.parse(node.textContent) || {};
    } catch (e) {
      return {};
    }
  }

  var templates = readTemplates();

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-ca-template]")) {
      return;
    }
    var chosen = templates[select.value];
    var form = select.form;
    if (!chosen || !form) {
      return;
    }
    var reason = form.querySelector("[data-ca-reason]");
    var result = form.querySelector("[data-ca-result]");
    if (reason) {
      reason.value = chosen.text;
    }
    if (result && chosen.result) {
      result.value = chosen.result;
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
