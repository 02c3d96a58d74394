/* Colour mode: "light", "dark" or "system" (the default), remembered in localStorage.
 * Loaded in <head>, before the page draws, so that a dark page never flashes white. It always sets
 * data-bs-theme on <html>; without JavaScript there is none and static/css/system-dark.css
 * follows the system instead. The switch's buttons (base.html) stay hidden without JavaScript. */
(function () {
  "use strict";
  var KEY = "seuranta-theme";
  var root = document.documentElement;
  var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : "system";
    } catch (error) {
      return "system";
    }
  }

  function apply(mode) {
    var dark = mode === "dark" || (mode === "system" && query !== null && query.matches);
    root.setAttribute("data-bs-theme", dark ? "dark" : "light");
    root.setAttribute("data-theme-mode", mode);
    var buttons = document.querySelectorAll("[data-theme-choice]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].dataset.themeChoice === mode));
    }
  }

  apply(stored());
  if (query !== null && query.addEventListener) {
    query.addEventListener("change", function () { apply(stored()); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var switches = document.querySelectorAll(".theme-switch");
    for (var i = 0; i < switches.length; i++) { switches[i].hidden = false; }
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-theme-choice]");
      if (!button) { return; }
      var mode = button.dataset.themeChoice;
      try {
        if (mode === "system") { window.localStorage.removeItem(KEY); }
        else { window.localStorage.setItem(KEY, mode); }
      } catch (error) { /* private mode: the choice lasts for this page only */ }
      apply(mode);
    });
    apply(stored());
  });
})();
