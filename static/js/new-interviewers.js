// The interview form's rows of new interviewers (a Django formset): one empty row shows, and
// "Add another interviewer" adds the next, up to the form's maximum. Without this script the
// three rows the server draws all show, which is enough for most panels.
(function () {
  "use strict";
  document.querySelectorAll("[data-new-interviewers]").forEach(function (box) {
    var total = box.querySelector("input[name$='-TOTAL_FORMS']");
    var template = box.querySelector("template[data-row-template]");
    var button = box.querySelector("[data-add-row]");
    if (!total || !template || !button) {
      return;
    }
    var max = parseInt(box.getAttribute("data-max"), 10) || 20;
    function isEmpty(row) {
      return Array.prototype.every.call(row.querySelectorAll("input"), function (input) {
        return input.value === "";
      }) && !row.querySelector(".is-invalid");
    }
    // Keep the rows with something typed (or an error) and the first empty one; hide the rest,
    // which "Add another" shows again before it makes new ones.
    var seenEmpty = false;
    box.querySelectorAll("[data-row]").forEach(function (row) {
      if (isEmpty(row)) {
        row.hidden = seenEmpty;
        seenEmpty = true;
      }
    });
    function addRow() {
      var hidden = box.querySelector("[data-row][hidden]");
      var row = hidden;
      if (row) {
        row.hidden = false;
      } else {
        var count = parseInt(total.value, 10);
        if (count >= max) {
          return;
        }
        var html = template.innerHTML.replace(/__prefix__/g, String(count));
        var holder = document.createElement("div");
        holder.innerHTML = html;
        row = holder.firstElementChild;
        button.before(row);
        total.value = String(count + 1);
      }
      var first = row.querySelector("input");
      if (first) {
        first.focus();
      }
      button.hidden = !box.querySelector("[data-row][hidden]") && parseInt(total.value, 10) >= max;
    }
    button.addEventListener("click", addRow);
    button.hidden = false;
  });
})();
