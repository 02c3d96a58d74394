/* Registers the service worker (static/js/sw.js, served at the site's root so that its scope is
 * the whole site). The worker keeps static files only: see sw.js. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) { return; }
  var url = script.dataset.worker + "?static=" + encodeURIComponent(script.dataset.static);
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, { scope: script.dataset.scope }).catch(function () {
      /* Not installable here (plain http on another host, a private window): the site works as is. */
    });
  });
})();
