// Pickers of contacts and applications (a <select multiple data-picker>): search as you type,
// chosen ones as removable chips, in the order the server gives (the application's company's
// people first). Tom Select is vendored under static/vendor/; without it the plain select works.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") {
    return;
  }
  document.querySelectorAll("select[multiple][data-picker]").forEach(function (select) {
    var empty = select.getAttribute("data-picker-empty") || "";
    new TomSelect(select, {
      plugins: ["remove_button"],
      maxOptions: null,
      hideSelected: true,
      closeAfterSelect: false,
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">' + escape(empty) + "</div>";
        },
      },
    });
  });
})();
