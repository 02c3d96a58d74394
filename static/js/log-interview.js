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
