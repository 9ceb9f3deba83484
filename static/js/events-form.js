/* Registration form: show a question only when it applies (its ticket types, its condition on another answer).
   Without JavaScript every question is shown; the server ignores answers to questions that do not apply. */
(function () {
  "use strict";
  var form = document.querySelector(".event-registration-form");
  if (!form) { return; }

  function container(el) {
    return el.closest("fieldset") || el.closest(".field") || el;
  }

  function valuesOf(name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.value); }
      } else if (input.tagName === "SELECT") {
        Array.prototype.forEach.call(input.selectedOptions, function (o) { values.push(o.value); });
      } else if (input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function ticketType() {
    var chosen = form.querySelector('[name="ticket_type"]:checked') ||
      form.querySelector('select[name="ticket_type"], input[type="hidden"][name="ticket_type"]');
    return chosen ? chosen.value : "";
  }

  function conditional() {
    var seen = new Map();
    form.querySelectorAll("[data-show-if], [data-ticket-types]").forEach(function (el) {
      var name = el.getAttribute("name") || "";
      if (!seen.has(name)) { seen.set(name, el); }
    });
    return Array.from(seen.values());
  }

  function update() {
    var type = ticketType();
    var state = {};
    /* Several passes: a question may depend on one that depends on another. */
    for (var pass = 0; pass < 3; pass += 1) {
      conditional().forEach(function (el) {
        var visible = true;
        var types = el.dataset.ticketTypes;
        if (types && type) { visible = types.split("|").indexOf(type) !== -1; }
        var on = el.dataset.showIf;
        if (visible && on) {
          var wanted = (el.dataset.showValues || "").split("|");
          var parentHidden = state[on] === false;
          visible = !parentHidden && valuesOf(on).some(function (v) { return wanted.indexOf(v) !== -1; });
        }
        state[el.getAttribute("name")] = visible;
        container(el).hidden = !visible;
      });
    }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
