// "Log interview": the new application's company and position only count while no existing
// application is chosen. Hidden fields are disabled, so they are not sent, yet keep their text
// for when the user switches back.
(function () {
  "use strict";
  var select = document.getElementById("id_application");
  var wrappers = ["div_id_company", "div_id_position"]
    .map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  if (!select || wrappers.length === 0) {
    return;
  }
  function update() {
    var existing = select.value !== "";
    wrappers.forEach(function (wrapper) {
      wrapper.hidden = existing;
      wrapper.querySelectorAll("input").forEach(function (input) {
        input.disabled = existing;
      });
    });
  }
  select.addEventListener("change", update);
  update();
})();

// A company picked from the suggestions (the open applications, a <datalist>): when only one
// open application is at that company, its position is filled in too, so Save logs the
// interview there. The server decides all the same; this only saves typing.
(function () {
  "use strict";
  var company = document.getElementById("id_company");
  var position = document.getElementById("id_position");
  var list = document.getElementById("open-applications");
  if (!company || !position || !list) {
    return;
  }
  company.addEventListener("change", function () {
    var typed = company.value.trim().toLocaleLowerCase();
    var matches = Array.prototype.filter.call(list.options, function (option) {
      return option.value.trim().toLocaleLowerCase() === typed;
    });
    if (matches.length === 1 && position.value.trim() === "") {
      position.value = matches[0].label;
    }
  });
})();
