/*
 * Title suggestions for the search box on /search/ (progressive enhancement; the form works without it).
 * WAI-ARIA 1.2 combobox with a listbox popup: the input keeps focus; ArrowDown/ArrowUp move the active option
 * (aria-activedescendant), Enter opens it, Escape closes the list (a second Escape clears the box), and a click
 * outside closes it. Suggestions come from /search/suggest/?q= as JSON [{title, url, type}]; text is inserted with
 * textContent only.
 */
(function () {
  "use strict";

  var input = document.querySelector("input[data-suggest-url]");
  if (!input || !window.fetch) {
    return;
  }
  var url = input.getAttribute("data-suggest-url");
  var wrapper = input.parentNode;
  var list = document.createElement("ul");
  var status = document.createElement("div");
  var items = [];
  var active = -1;
  var timer = null;
  var lastQuery = null;
  var controller = null;

  list.id = input.id + "-suggestions";
  list.className = "search-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.form.querySelector("label[for='" + input.id + "']").textContent);
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  wrapper.appendChild(list);
  wrapper.appendChild(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(index) {
    var options = list.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(data) {
    items = Array.isArray(data) ? data : [];
    list.textContent = "";
    items.forEach(function (item, i) {
      var option = document.createElement("li");
      var title = document.createElement("span");
      var type = document.createElement("span");
      option.id = list.id + "-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      title.className = "suggestion-title";
      title.textContent = item.title;
      type.className = "suggestion-type";
      type.textContent = item.type;
      option.appendChild(title);
      option.appendChild(type);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep focus in the input
      });
      option.addEventListener("click", function () {
        window.location.href = item.url;
      });
      list.appendChild(option);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (items.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      close();
    }
    var template = input.getAttribute("data-suggest-status") || "{count}";
    status.textContent = items.length ? template.replace("{count}", String(items.length)) : "";
  }

  function load() {
    var q = input.value.trim();
    if (q === lastQuery) {
      return;
    }
    lastQuery = q;
    if (!q) {
      render([]);
      return;
    }
    if (controller && window.AbortController) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;
    fetch(url + "?q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.ok ? response.json() : [];
      })
      .then(function (data) {
        if (q === input.value.trim()) {
          render(data);
        }
      })
      .catch(function () {
        /* aborted or offline: keep the plain search box */
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 200);
  });

  input.addEventListener("keydown", function (event) {
    var count = list.children.length;
    if (event.key === "ArrowDown") {
      if (list.hidden) {
        if (count) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
      } else if (count) {
        setActive(active + 1 < count ? active + 1 : 0);
      }
      event.preventDefault();
    } else if (event.key === "ArrowUp") {
      if (!list.hidden && count) {
        setActive(active > 0 ? active - 1 : count - 1);
        event.preventDefault();
      }
    } else if (event.key === "Enter") {
      if (!list.hidden && active >= 0 && items[active]) {
        event.preventDefault();
        window.location.href = items[active].url;
      }
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        close();
      } else {
        input.value = "";
        lastQuery = null;
      }
      event.preventDefault();
    }
  });

  input.addEventListener("blur", function () {
    close();
  });
})();
