/*
 * Consultation pages: small progressive enhancements; every page works without them.
 *  - countdowns: p.countdown[data-deadline] is refreshed every 30 s from the server-rendered deadline
 *  - the draft text: clicking (tapping) an article opens the comment form for it (its .comment-link)
 *  - the comment form: the quoted text follows the chosen article
 *  - the receipt: [data-print] buttons print the page
 */
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/\{(\w)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function updateCountdown(element) {
    var deadline = Date.parse(element.getAttribute("data-deadline"));
    if (isNaN(deadline)) {
      return;
    }
    var left = Math.floor((deadline - Date.now()) / 60000); // minutes
    if (left <= 0) {
      element.textContent = element.getAttribute("data-text-closed");
      element.classList.add("is-over");
      return;
    }
    var days = Math.floor(left / 1440);
    var hours = Math.floor((left % 1440) / 60);
    var minutes = left % 60;
    if (days >= 1) {
      element.textContent = format(element.getAttribute("data-text-days"), { d: days, h: hours });
    } else {
      element.textContent = format(element.getAttribute("data-text-hours"), { h: hours, m: minutes });
      element.classList.add("is-soon");
    }
  }

  function startCountdowns() {
    var elements = document.querySelectorAll(".countdown[data-deadline]");
    if (!elements.length) {
      return;
    }
    var tick = function () {
      for (var i = 0; i < elements.length; i++) {
        updateCountdown(elements[i]);
      }
    };
    tick();
    window.setInterval(tick, 30000);
  }

  // A click on a commentable article (not on a link inside it, not while selecting text) follows its link.
  function onArticleClick(event) {
    var article = event.target.closest ? event.target.closest(".draft-article.is-commentable") : null;
    if (!article || event.target.closest("a, button, input, select, textarea")) {
      return;
    }
    var selection = window.getSelection ? String(window.getSelection()) : "";
    if (selection) {
      return;
    }
    var link = article.querySelector(".comment-link");
    if (link) {
      window.location.href = link.href;
    }
  }

  function showQuote(select) {
    var quotes = document.querySelectorAll(".quoted-article[data-article]");
    for (var i = 0; i < quotes.length; i++) {
      quotes[i].hidden = quotes[i].getAttribute("data-article") !== select.value;
    }
  }

  function onChange(event) {
    if (event.target.matches && event.target.matches("select[data-quote-select]")) {
      showQuote(event.target);
    }
  }

  function onClick(event) {
    var printButton = event.target.closest ? event.target.closest("[data-print]") : null;
    if (printButton) {
      window.print();
      return;
    }
    onArticleClick(event);
  }

  startCountdowns();
  document.addEventListener("click", onClick);
  document.addEventListener("change", onChange);
})();
