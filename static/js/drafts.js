// Drafts: the "Copy" button, the "Print" button and "select all" on the drafts list.
// Each works only as an addition: without JavaScript the buttons stay hidden, the body stays a
// selectable text area and the browser's own print command prints the page.
(function () {
  "use strict";

  function copyText(target, done) {
    var text = "value" in target ? target.value : target.textContent;
    function fallback() {
      try {
        target.focus();
        target.select();
        done(document.execCommand("copy"));
      } catch (error) {
        done(false);
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.dataset.copyTarget);
    if (!target) { return; }
    var status = document.getElementById(button.dataset.copyStatus);
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(target, function (ok) {
        if (status) {
          status.textContent = ok ? button.dataset.copiedText : button.dataset.failedText;
        }
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var selectAll = document.getElementById("select-all-drafts");
  if (selectAll) {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-draft-select]"));
    selectAll.hidden = false;
    selectAll.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = selectAll.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var checked = boxes.filter(function (b) { return b.checked; }).length;
        selectAll.checked = checked === boxes.length;
        selectAll.indeterminate = checked > 0 && checked < boxes.length;
      });
    });
  }
})();
