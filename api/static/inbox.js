/* StandardFlow: the inbox keeps itself up to date. It listens to the task feed
   (/api/v1/tasks/events, server-sent events for the tasks this reader could see) and, when a task is
   opened, claimed, given back or closed, reads this very inbox page again and puts its counts and its
   list in place of those shown. Tasks the list did not show before are marked, and the polite live
   region above the list says that new tasks arrived. Without EventSource the page stays as it was
   served: reloading it shows what changed. */
(function () {
  "use strict";

  var list = document.getElementById("inbox-list");
  var news = document.getElementById("inbox-news");
  if (!list || !news || !window.EventSource || !window.fetch || !window.DOMParser) return;

  var WAIT_MS = 250; // changes that come together (a step opening five votes) make one reading
  var timer = null;
  var reading = false;
  var readAgain = false;

  function shownTasks() {
    var ids = {};
    Array.prototype.forEach.call(list.querySelectorAll("tr[data-task]"), function (row) {
      ids[row.getAttribute("data-task")] = true;
    });
    return ids;
  }

  function swap(selector, fresh) {
    var now = document.querySelector(selector);
    var then = fresh.querySelector(selector);
    if (!now || !then) return null;
    var imported = document.importNode(then, true);
    now.parentNode.replaceChild(imported, now);
    return imported;
  }

  function show(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    if (!fresh.getElementById("inbox-list")) return; // signed out meanwhile: a reload will say so
    var before = shownTasks();
    swap("nav.scopes", fresh);
    list = swap("#inbox-list", fresh) || list;
    var arrived = Array.prototype.filter.call(list.querySelectorAll("tr[data-task]"), function (row) {
      return !before[row.getAttribute("data-task")];
    });
    arrived.forEach(function (row) { row.classList.add("arrived"); });
    if (arrived.length) {
      news.textContent = "";
      news.textContent = news.getAttribute("data-arrived");
    }
  }

  function read() {
    timer = null;
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html) show(html); })
      .catch(function () { /* offline for a moment: the next change reads again */ })
      .then(function () {
        reading = false;
        if (readAgain) {
          readAgain = false;
          read();
        }
      });
  }

  function changed() {
    if (timer === null) timer = window.setTimeout(read, WAIT_MS);
  }

  var feed = new EventSource(list.getAttribute("data-feed"));
  feed.addEventListener("task", changed);
  feed.addEventListener("resync", changed);
})();
