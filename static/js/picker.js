// Pickers of contacts and applications (a <select multiple data-picker>): search as you type,
// chosen ones as removable chips, in the order the server gives (the application's company's
// people first). Tom Select is vendored under static/vendor/; without it the plain select works.
//
// Accessibility (checked by tests/e2e/test_look.py with axe): Tom Select 2.6.2 moves the
// label's `for` to its own input and names that input with aria-labelledby, but leaves the
// original <select> in the accessibility tree (class ts-hidden-accessible) with no name left. That
// select is out of the tab order and out of sight, and a screen reader changing it would not
// update the chips, so it is hidden from assistive technology: the combobox is the one control,
// named by the label and described by the field's help text and errors, as the select was.
// Tom Select has no setting for these (2.6.2 has no labelClass); the vendored file is not edited.
// Its target sizes, focus ring and colours are in static/css/picker.css.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") {
    return;
  }
  var CARRIED = ["aria-describedby", "aria-invalid", "aria-required"];

  document.querySelectorAll("select[multiple][data-picker]").forEach(function (select) {
    var empty = select.getAttribute("data-picker-empty") || "";
    var remove = select.getAttribute("data-picker-remove") || "";
    var picker = new TomSelect(select, {
      plugins: {
        remove_button: {
          // Tom Select's title ("Remove") is English only; the name is read, "×" is not.
          html: function () {
            var button = document.createElement("div");
            button.className = "remove";
            button.setAttribute("role", "button");
            button.setAttribute("aria-label", remove);
            button.title = remove;
            button.tabIndex = -1;
            var cross = document.createElement("span");
            cross.setAttribute("aria-hidden", "true");
            cross.textContent = "×";
            button.appendChild(cross);
            return button;
          },
        },
      },
      maxOptions: null,
      hideSelected: true,
      closeAfterSelect: false,
      // The chosen one leaves the list (hideSelected): the search typed for it goes too, so the
      // next name is typed into an empty box, not after "Vil" into "No match".
      clearAfterSelect: true,
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">' + escape(empty) + "</div>";
        },
      },
    });
    var input = picker.control_input;
    CARRIED.forEach(function (name) {
      if (select.hasAttribute(name)) {
        input.setAttribute(name, select.getAttribute(name));
      }
    });
    select.setAttribute("aria-hidden", "true");
  });
})();
