// A page that waits for the worker (core.pending: reading a posting, a Send test; an import
// job): polls the work's status, shows its text, hint and progress bar, then reloads the page,
// which the server renders with the outcome. A 404 means the work is gone (expired, or not this
// person's): the reload says so. Without JavaScript the page refreshes itself (<noscript> meta
// refresh) and has a link that does the same.
//
// <div data-waiting data-status-url="…" [data-poll-ms="1000"]> holding [data-waiting-text],
// [data-waiting-hint] and, optionally, <progress data-waiting-bar>; the status is JSON
// {finished, text, hint[, done, total, percent]}.
(function () {
  const box = document.querySelector("[data-waiting]");
  if (!box) return;
  const text = box.querySelector("[data-waiting-text]");
  const hint = box.querySelector("[data-waiting-hint]");
  const bar = box.querySelector("[data-waiting-bar]");
  const url = box.dataset.statusUrl;
  const INTERVAL_MS = Number(box.dataset.pollMs) || 500;

  function show(status) {
    if (status.text) text.textContent = status.text;
    if (bar && status.total) {
      bar.max = status.total;
      bar.value = status.done;
      bar.textContent = status.percent + " %";
    }
    hint.textContent = status.hint;
    hint.hidden = !status.hint;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 404) return { finished: true };
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (status) {
        if (status.finished) {
          window.location.reload();
          return;
        }
        show(status);
        // No worker has answered for a while: ask less often until one does.
        setTimeout(poll, status.hint ? INTERVAL_MS * 4 : INTERVAL_MS);
      })
      .catch(function () {
        setTimeout(poll, INTERVAL_MS * 4);
      });
  }
  setTimeout(poll, INTERVAL_MS);
})();
