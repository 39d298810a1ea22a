/* StandardFlow: what a reader types into a form is kept until the form has gone through, so a
   session that expires while the form is open loses nothing. Signing in leads back to the form's
   page, and the words are put back. The copy lives in sessionStorage (this tab only, gone with it),
   under the page's path; passwords, CSRF tokens, request keys and files are never kept. */
(function () {
  "use strict";

  var PREFIX = "standardflow.form:";
  var NEVER_TYPES = ["password", "hidden", "file", "submit", "button", "reset", "image"];
  var NEVER_NAMES = ["csrf_token", "request_key"];
  var TYPED = ["text", "textarea", "search", "email", "url", "tel", "number", "date", "datetime-local",
    "month", "time"];

  var store = (function () {
    try { return window.sessionStorage; } catch (e) { return null; }
  })();
  var readerTag = document.querySelector('meta[name="reader"]');
  var reader = readerTag ? readerTag.content : "";

  function kept(field) {
    return Boolean(field.name) && !field.disabled && NEVER_TYPES.indexOf(field.type) < 0 &&
      NEVER_NAMES.indexOf(field.name) < 0;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, kept);
  }

  function typed(field) {
    return TYPED.indexOf(field.type) >= 0;
  }

  // Forms that change something and hold words of the reader's own; never the sign-in form.
  function keepable(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post" &&
      !form.querySelector('input[type="password"]') && fields(form).some(typed);
  }

  function keyOf(form, forms) {
    var action = form.getAttribute("action") || location.pathname;
    var twins = forms.filter(function (other) {
      return (other.getAttribute("action") || location.pathname) === action;
    });
    return PREFIX + location.pathname + "|" + action + "|" + twins.indexOf(form);
  }

  function read(form) {
    var values = [];
    fields(form).forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) values.push([field.name, field.value]);
      } else if (field.type === "select-multiple") {
        Array.prototype.forEach.call(field.selectedOptions, function (option) {
          values.push([field.name, option.value]);
        });
      } else {
        values.push([field.name, field.value]);
      }
    });
    return values;
  }

  function write(form, values) {
    var byName = {};
    values.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    fields(form).forEach(function (field) {
      var given = byName[field.name] || [];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = given.indexOf(field.value) >= 0;
      } else if (field.type === "select-multiple") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = given.indexOf(option.value) >= 0;
        });
      } else if (given.length) {
        field.value = given.shift(); // fields of one name (a row per clause) take their values in order
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function blank(form) {
    return fields(form).filter(typed).every(function (field) { return field.value === ""; });
  }

  function load(key) {
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }

  function save(form, key, sent) {
    if (!sent && blank(form)) {
      store.removeItem(key);
      return;
    }
    try {
      store.setItem(key, JSON.stringify({ reader: reader, sent: sent, values: read(form) }));
    } catch (e) { /* storage full or refused: the form still works, only without a copy */ }
  }

  function savedKeys() {
    var keys = [];
    for (var i = 0; i < store.length; i += 1) {
      if (store.key(i).indexOf(PREFIX) === 0) keys.push(store.key(i));
    }
    return keys;
  }

  // A copy that was sent is done with once a page shows that the form went through: a page with
  // ?notice=, or any page without the form that is neither the sign-in page nor a refusal.
  function settle(here) {
    var notice = new URLSearchParams(location.search).has("notice");
    var refused = location.pathname === "/login" || document.querySelector('[role="alert"]') !== null;
    savedKeys().forEach(function (key) {
      var copy = load(key);
      var otherReader = reader && copy && copy.reader && copy.reader !== reader;
      var through = copy && copy.sent && (notice || (!here[key] && !refused));
      if (!copy || otherReader || through) {
        store.removeItem(key);
      } else if (here[key] && (copy.sent || blank(here[key]))) {
        write(here[key], copy.values);
      }
    });
  }

  function start() {
    var forms = Array.prototype.slice.call(document.forms);
    var here = {};
    forms.filter(keepable).forEach(function (form) {
      var key = keyOf(form, forms);
      here[key] = form;
      form.addEventListener("input", function () { save(form, key, false); });
      form.addEventListener("change", function (event) { if (event.isTrusted) save(form, key, false); });
      form.addEventListener("submit", function () { save(form, key, true); });
    });
    forms.filter(function (form) { return form.getAttribute("action") === "/logout"; }).forEach(function (form) {
      form.addEventListener("submit", function () { savedKeys().forEach(function (key) { store.removeItem(key); }); });
    });
    settle(here);
  }

  if (store) start();
})();
