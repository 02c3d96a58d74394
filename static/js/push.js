/* "Notify this browser" on the preferences page (templates/webpush/_notify_browser.html): asks
 * for permission, subscribes through the site's service worker (static/js/sw.js, which shows the
 * pushes) with the server's VAPID public key, and gives the subscription to the server. The
 * buttons stay hidden where none of this can work. */
(function () {
  "use strict";
  var form = document.querySelector("form.push-controls");
  if (!form) { return; }
  var status = form.querySelector("[data-push-status]");
  var subscribeButton = form.querySelector("[data-push-subscribe]");
  var stopButton = form.querySelector("[data-push-unsubscribe]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(text) { status.textContent = text; }

  if (!window.isSecureContext) {
    // Plain http (a LAN address, say): browsers offer neither service workers nor push there.
    say(form.dataset.insecure);
    return;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window)) {
    say(form.dataset.unsupported);
    return;
  }
  // How long the push service may take to answer a subscription before the page gives up: a
  // browser that cannot reach it (offline, or blocked by a firewall) may never answer at all.
  var SUBSCRIBE_TIMEOUT_MS = 20000;

  function bytesOf(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  var serverKey = bytesOf(form.dataset.key);

  function Refused(message) { this.message = message; }

  function withinTime(promise) {
    var timer;
    var late = new Promise(function (resolve, reject) {
      timer = setTimeout(function () { reject(new Refused(form.dataset.timeout)); },
        SUBSCRIBE_TIMEOUT_MS);
    });
    return Promise.race([promise, late]).finally(function () { clearTimeout(timer); });
  }

  function registration() {
    // The same URL and scope as pwa.js registers: this finds the site's one registration (or
    // makes it), never a second worker.
    var worker = form.dataset.worker + "?static=" + encodeURIComponent(form.dataset.static);
    return navigator.serviceWorker.register(worker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready; // subscribing needs an active worker
    });
  }

  function madeWithOurKey(subscription) {
    var key = subscription.options && subscription.options.applicationServerKey;
    if (!key) { return true; } // a browser that does not say
    var bytes = new Uint8Array(key);
    if (bytes.length !== serverKey.length) { return false; }
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] !== serverKey[i]) { return false; }
    }
    return true;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) { throw new Refused(answer.error || form.dataset.failed); }
        return answer;
      });
    });
  }

  // The list names endpoints by their SHA-256 only (PushSubscription.endpoint_digest).
  function digest(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
      return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
        return ("0" + byte.toString(16)).slice(-2);
      }).join("");
    });
  }

  function fail(error) {
    if (error instanceof Refused) {
      say(error.message);
    } else if (Notification.permission === "denied") {
      say(form.dataset.denied);
    } else {
      say(form.dataset.failed + " (" + (error && (error.message || error.name)) + ")");
    }
  }

  function showState() {
    return registration().then(function (found) {
      return found.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) { return false; }
      return digest(subscription.endpoint).then(function (hex) {
        var row = document.querySelector('[data-endpoint-digest="' + hex + '"]');
        if (row) { row.querySelector("[data-this-browser]").hidden = false; }
        return Boolean(row) && madeWithOurKey(subscription);
      });
    }).then(function (known) {
      subscribeButton.hidden = known;
      stopButton.hidden = !known;
      if (known) {
        say(form.dataset.subscribed);
      } else if (Notification.permission === "denied") {
        say(form.dataset.denied);
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    subscribeButton.disabled = true;
    say(form.dataset.working);
    // Asked here, in the click, as browsers require.
    Promise.resolve(Notification.requestPermission()).then(function (permission) {
      if (permission === "default") { throw new Refused(form.dataset.dismissed); }
      if (permission !== "granted") { throw new Refused(form.dataset.denied); }
      return registration();
    }).then(function (found) {
      return found.pushManager.getSubscription().then(function (existing) {
        // One made with an earlier key of the server's cannot carry our pushes: replaced.
        if (existing && !madeWithOurKey(existing)) {
          return existing.unsubscribe().then(function () { return found; });
        }
        return found;
      });
    }).then(function (found) {
      return withinTime(
        found.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey }));
    }).then(function (subscription) {
      return post(form.action, subscription.toJSON());
    }).then(function () {
      window.location.reload(); // the list with this browser in it, and the server's message
    }).catch(function (error) {
      subscribeButton.disabled = false;
      fail(error);
    });
  });

  stopButton.addEventListener("click", function () {
    stopButton.disabled = true;
    registration().then(function (found) {
      return found.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) { return null; }
      // The server first: if it cannot be told, the browser stays subscribed and listed.
      return post(form.dataset.unsubscribeUrl, { endpoint: subscription.endpoint }).then(function () {
        return subscription.unsubscribe();
      });
    }).then(function () {
      window.location.reload();
    }).catch(function (error) {
      stopButton.disabled = false;
      fail(error);
    });
  });

  showState().catch(function () { say(form.dataset.unsupported); });
})();
