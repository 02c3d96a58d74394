// "Copy" buttons: <button data-copy-target="input-id" data-copied-text="Copied">.
// Loaded as a file (no inline script) so a strict Content-Security-Policy can forbid inline code.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copyTarget);
  if (!input) return;
  input.select();
  const done = function () {
    const original = button.textContent;
    button.textContent = button.dataset.copiedText || original;
    setTimeout(function () { button.textContent = original; }, 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, function () {});
  } else if (document.execCommand("copy")) {
    done();
  }
});
