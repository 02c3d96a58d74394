/* Seuranta's service worker: keeps the shell (static CSS, JavaScript, fonts and icons) for quick
 * starts of the installed app, and shows the reminders pushed to this browser (webpush/), and
 * nothing else. Pages and everything else a person's data is in
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

/* Web push (webpush.sender): the payload is JSON {title, body, url, tag, lang}. The tag is the
 * follow-up's, so a second push about the same follow-up replaces its notification instead of
 * stacking another. */
self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {}; // not ours, or damaged: still a notification, as userVisibleOnly promises
  }
  var options = {
    body: typeof data.body === "string" ? data.body : "",
    icon: STATIC + "icons/icon-192.png",
    badge: STATIC + "icons/icon-192.png",
    data: { url: sameOriginUrl(data.url) }
  };
  if (typeof data.tag === "string" && data.tag) { options.tag = data.tag; }
  if (typeof data.lang === "string") { options.lang = data.lang; }
  var title = typeof data.title === "string" && data.title ? data.title : "Seuranta";
  event.waitUntil(self.registration.showNotification(title, options));
});

/* Only a page of this site opens from a notification: a payload naming another origin opens the
 * site's start page instead. */
function sameOriginUrl(url) {
  if (typeof url !== "string") { return new URL("/", location.origin).href; }
  try {
    var target = new URL(url, location.origin);
    if (target.origin === location.origin) { return target.href; }
  } catch (error) { /* not a URL */ }
  return new URL("/", location.origin).href;
}

/* A window already showing the page is focused; otherwise a new one opens. */
function openFromNotification(url) {
  var target = sameOriginUrl(url);
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target && "focus" in windows[i]) { return windows[i].focus(); }
    }
    return self.clients.openWindow(target);
  });
}

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var data = event.notification.data || {};
  event.waitUntil(openFromNotification(data.url));
});
