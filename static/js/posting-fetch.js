// The page that waits for the worker to read a posting: polls the capture's status, then
// reloads the page, which the server turns into the prefilled form (or the address again, with
// the reason it could not be read). Without JavaScript the page refreshes itself (<noscript>).
(function () {
  const box = document.getElementById("posting-fetch");
  if (!box) return;
  const hint = document.getElementById("posting-fetch-hint");
  const url = box.dataset.statusUrl;
  const INTERVAL_MS = 500;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (status) {
        if (status.finished) {
          window.location.reload();
          return;
        }
        hint.textContent = status.hint;
        hint.hidden = !status.hint;
        setTimeout(poll, INTERVAL_MS);
      })
      .catch(function () {
        setTimeout(poll, INTERVAL_MS * 4);
      });
  }
  setTimeout(poll, INTERVAL_MS);
})();
