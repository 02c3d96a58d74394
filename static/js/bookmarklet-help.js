// The bookmarklet's help page: a Copy button for the code (phones cannot drag the link to a
// bookmarks bar), shown only where the clipboard can be written. A click on the bookmarklet
// itself here would run nothing (this page's Content-Security-Policy refuses javascript:
// links): the hint under it says to drag it instead.
(function () {
  const link = document.getElementById("bookmarklet");
  const hint = document.getElementById("bookmarklet-drag-hint");
  if (link && hint) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      hint.classList.add("fw-semibold");
    });
  }
  const button = document.getElementById("bookmarklet-copy");
  const code = document.getElementById("bookmarklet-code");
  const copied = document.getElementById("bookmarklet-copied");
  if (!button || !code || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(code.value).then(function () {
      copied.textContent = button.dataset.done;
    });
  });
})();
