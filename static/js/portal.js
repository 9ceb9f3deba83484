/*
 * Small progressive enhancements; every page works without them.
 *  - the senior-friendly mode toggle (state set early by reading-mode.js, remembered in localStorage)
 *  - confirm() before submitting a form marked with data-confirm="question"
 *  - focus (and so scroll to) the first element marked data-reveal: a form with errors or an import result
 *    further down the page than the visitor can see after the reload
 */
(function () {
  "use strict";

  var STORAGE_KEY = "portal.readingMode";
  var CLASS_NAME = "reading-mode";
  var root = document.documentElement;

  function isOn() {
    return root.classList.contains(CLASS_NAME);
  }

  function syncButtons() {
    var pressed = isOn() ? "true" : "false";
    var buttons = document.querySelectorAll(".reading-mode-toggle");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", pressed);
    }
  }

  function setMode(on, remember) {
    root.classList.toggle(CLASS_NAME, on);
    if (remember) {
      try {
        if (on) {
          window.localStorage.setItem(STORAGE_KEY, "on");
        } else {
          window.localStorage.removeItem(STORAGE_KEY);
        }
      } catch (e) {
        // Storage blocked: the mode still applies to this page.
      }
    }
    syncButtons();
  }

  function onClick(event) {
    var toggle = event.target.closest ? event.target.closest(".reading-mode-toggle") : null;
    if (toggle) {
      setMode(!isOn(), true);
    }
  }

  function onSubmit(event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }

  // Another tab switched the mode: follow it.
  function onStorage(event) {
    if (event.key === STORAGE_KEY || event.key === null) {
      setMode(event.newValue === "on", false);
    }
  }

  function revealMarked() {
    var target = document.querySelector("[data-reveal]");
    if (target) {
      if (!target.hasAttribute("tabindex")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  }

  syncButtons();
  revealMarked();
  document.addEventListener("click", onClick);
  document.addEventListener("submit", onSubmit);
  window.addEventListener("storage", onStorage);
})();
