// Time zones: the browser's own on the sign-up form, a filter box above every time-zone list,
// and a one-line notice when the browser's clock differs from the account's. Without
// JavaScript none of this shows and the forms work as plain selects.
(function () {
  "use strict";

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return "";
    }
  }

  function aliasesOf(select) {
    try {
      return JSON.parse(select.dataset.aliases || "{}");
    } catch (e) {
      return {};
    }
  }

  function optionFor(select, zone) {
    var name = select.querySelector('option[value="' + zone + '"]') ? zone : aliasesOf(select)[zone];
    return name ? select.querySelector('option[value="' + name + '"]') : null;
  }

  // --- Sign-up: take the browser's zone and its country, show them in one line ------------------
  function detect(fieldset) {
    var zoneSelect = fieldset.querySelector("select[name=time_zone]");
    var countrySelect = fieldset.querySelector("select[name=country]");
    var summary = document.getElementById("time-zone-summary");
    if (!zoneSelect || !countrySelect || !summary) {
      return;
    }
    // A form sent back with an error keeps what the person chose; only a fresh form detects.
    if (!fieldset.closest("form").querySelector(".is-invalid")) {
      var option = optionFor(zoneSelect, browserZone());
      if (option) {
        zoneSelect.value = option.value;
        var country = option.dataset.country;
        if (country && countrySelect.querySelector('option[value="' + country + '"]')) {
          countrySelect.value = country;
        } else {
          return; // A country Seuranta has no holidays for: the person chooses, in sight.
        }
      }
    }
    function show() {
      summary.querySelector('[data-summary="zone"]').textContent = zoneSelect.value;
      var chosen = countrySelect.options[countrySelect.selectedIndex];
      summary.querySelector('[data-summary="country"]').textContent = chosen ? chosen.text : "";
    }
    show();
    fieldset.hidden = true;
    summary.hidden = false;
    summary.querySelector('[data-summary="change"]').addEventListener("click", function () {
      summary.hidden = true;
      fieldset.hidden = false;
      zoneSelect.focus();
    });
  }

  // --- A filter box above a long time-zone list --------------------------------------------------
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/_/g, " ").toLowerCase();
  }

  function addFilter(select) {
    var label = document.createElement("label");
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "_filter";
    input.className = "form-control form-control-sm mb-1";
    input.autocomplete = "off";
    label.htmlFor = input.id;
    label.className = "form-label small mb-0";
    label.textContent = select.dataset.filterLabel || "Filter";
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var query = plain(input.value.trim());
      var first = null;
      select.querySelectorAll("option").forEach(function (option) {
        var match = !query || plain(option.value + " " + option.text).indexOf(query) !== -1;
        option.hidden = !match;
        if (match && !first) {
          first = option;
        }
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      // Matches show as an open list; the first one is chosen so that Enter keeps it.
      select.size = query ? 8 : 0;
      if (query && first && select.selectedOptions[0] && select.selectedOptions[0].hidden) {
        select.value = first.value;
      }
    });
  }

  // --- The notice: the browser's clock is not the account's ---------------------------------------
  function offsets(zone) {
    var now = Date.now();
    var month = 30 * 24 * 3600 * 1000;
    return [0, 3, 6, 9].map(function (n) {
      return new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
        .formatToParts(new Date(now + n * month))
        .filter(function (part) { return part.type === "timeZoneName"; })[0].value;
    }).join(" ");
  }

  function sameClock(a, b) {
    try {
      return offsets(a) === offsets(b);
    } catch (e) {
      return false; // A name this browser does not know: not the same clock.
    }
  }

  function notice(box) {
    var stored = box.dataset.stored;
    var browser = browserZone();
    var key = "seuranta-time-zone-kept";
    if (!browser || browser === stored || sameClock(browser, stored)) {
      return;
    }
    try {
      if (window.localStorage.getItem(key) === browser + " " + stored) {
        return;
      }
    } catch (e) { /* Storage off: the notice shows on each page until the person acts. */ }
    var text = box.querySelector('[data-notice="text"]');
    text.textContent = text.dataset.template.replace("%(browser)s", browser).replace("%(stored)s", stored);
    box.querySelector("input[name=time_zone]").value = browser;
    box.querySelector('[data-notice="keep"]').addEventListener("click", function () {
      try {
        window.localStorage.setItem(key, browser + " " + stored);
      } catch (e) { /* Nothing to remember it in. */ }
      box.hidden = true;
    });
    box.hidden = false;
  }

  document.querySelectorAll("select[data-aliases]").forEach(addFilter);
  document.querySelectorAll('fieldset[data-detect="browser"]').forEach(detect);
  var box = document.getElementById("time-zone-notice");
  if (box) {
    notice(box);
  }
})();
