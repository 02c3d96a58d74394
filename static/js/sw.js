/* Seuranta's service worker: keeps the shell (static CSS, JavaScript, fonts and icons) for quick
 * starts of the installed app, and nothing else. Pages and everything else a person's data is in
 * always come from the network and are never stored here: a shared or stolen phone must not hold
 * anyone's applications in a cache. Static file names carry a content hash (collectstatic), so a
 * cached copy never goes stale; the cache is emptied when this file changes its version. */
"use strict";

var VERSION = "seuranta-shell-1";
var STATIC = new URL(location).searchParams.get("static") || "/static/";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== VERSION; }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isShell(request) {
  if (request.method !== "GET") { return false; }
  var url = new URL(request.url);
  // Only names with collectstatic's content hash: a local run serves unhashed names that change.
  return url.origin === location.origin && url.pathname.indexOf(STATIC) === 0 &&
    /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  if (!isShell(event.request)) { return; } // the network, untouched
  event.respondWith(
    caches.open(VERSION).then(function (cache) {
      return cache.match(event.request).then(function (hit) {
        if (hit) { return hit; }
        return fetch(event.request).then(function (response) {
          if (response.ok && response.type === "basic") { cache.put(event.request, response.clone()); }
          return response;
        });
      });
    })
  );
});
