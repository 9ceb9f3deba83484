/*
 * Senior-friendly (适老化) reading mode, applied before first paint.
 * Loaded synchronously in <head>: marks <html> with "js" (so JS-only controls show) and, when the
 * visitor switched the mode on earlier in this browser, with "reading-mode". portal.js owns the toggle.
 */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  try {
    if (window.localStorage.getItem("portal.readingMode") === "on") {
      root.classList.add("reading-mode");
    }
  } catch (e) {
    // Storage blocked (privacy settings): the page stays in normal mode.
  }
})();
