// storyweave web UI: partial loads, the language picker, and live updates over Server-Sent Events.
// Everything from the server is either HTML the server escaped, or JSON set through textContent.
(function () {
  "use strict";

  var RTL = ["ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"];

  function dirFor(lang) {
    return RTL.indexOf(String(lang || "").split("-")[0].toLowerCase()) >= 0 ? "rtl" : "auto";
  }

  function loadFragment(element, url) {
    return fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) { element.innerHTML = html; })
      .catch(function () {
        // The message comes translated from the page itself (the CSP allows no inline script).
        element.textContent = document.body.getAttribute("data-load-failed") || "Could not load this part of the page.";
      });
  }

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { if (select.value) { select.form.submit(); } });
    });
  }

  function fragments() {
    document.querySelectorAll("[data-fragment]").forEach(function (element) {
      loadFragment(element, element.getAttribute("data-fragment"));
    });
  }

  function live() {
    var panel = document.getElementById("live");
    if (!panel || !window.EventSource) { return; }
    var list = document.getElementById("live-list");
    var events = document.getElementById("events");
    var refreshUrl = panel.getAttribute("data-refresh");
    var pending = null;
    var source = new EventSource(panel.getAttribute("data-stream"));

    function refreshEvents() {
      if (pending || !events || !refreshUrl) { return; }
      pending = setTimeout(function () {
        pending = null;
        loadFragment(events, refreshUrl);
      }, 500);
    }

    source.addEventListener("article", function (message) {
      var item = JSON.parse(message.data);
      var li = document.createElement("li");
      li.className = "live-item";
      li.setAttribute("data-article", item.id);
      var link = document.createElement("a");
      link.href = item.event_id ? "/events/" + encodeURIComponent(item.event_id) : "/articles/" + encodeURIComponent(item.id);
      link.textContent = item.title || item.id;
      link.setAttribute("lang", item.lang || "und");
      link.setAttribute("dir", dirFor(item.lang));
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = String(item.lang || "und").toUpperCase();
      var meta = document.createElement("bdi");
      meta.className = "meta";
      meta.textContent = item.source || "";
      li.appendChild(badge);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(link);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(meta);
      list.insertBefore(li, list.firstChild);
      while (list.children.length > 20) { list.removeChild(list.lastChild); }
      panel.hidden = false;
      refreshEvents();
    });
    document.documentElement.setAttribute("data-live", "connecting");
    source.addEventListener("ready", function () {
      document.documentElement.setAttribute("data-live", "ready");
    });
  }

  function start() {
    autosubmit();
    fragments();
    live();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
