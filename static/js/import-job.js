// The import job page: polls the job's status and moves the bar, then reloads the page once
// the job is over so that the server renders the outcome (or the problems). Without JavaScript
// the page refreshes itself (<noscript> meta refresh) and has a Refresh link.
(function () {
  const box = document.getElementById("import-job");
  if (!box) return;
  const text = document.getElementById("import-job-text");
  const bar = document.getElementById("import-job-bar");
  const hint = document.getElementById("import-job-hint");
  const url = box.dataset.statusUrl;
  const INTERVAL_MS = 1000;

  function show(status) {
    text.textContent = status.text;
    if (status.total) {
      bar.max = status.total;
      bar.value = status.done;
    }
    bar.textContent = status.percent + " %";
    hint.textContent = status.hint;
    hint.hidden = !status.hint;
  }

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
        show(status);
        setTimeout(poll, INTERVAL_MS);
      })
      .catch(function () {
        setTimeout(poll, INTERVAL_MS * 5);
      });
  }
  setTimeout(poll, INTERVAL_MS);
})();
