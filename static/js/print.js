// Any button with data-print opens the browser's print dialogue (the page's print style sheet
// leaves only the report). Without JavaScript the browser's own Print menu does the same.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
