/* The board (templates/applications/board.html): move a card by dragging it (mouse or touch,
   SortableJS) or with its status select and Move button (keyboard), posting the same request as
   the page's form without JavaScript, with fetch. The server answers JSON; a card whose move
   fails goes back where it was and the error is shown. */
(function () {
  "use strict";

  const form = document.getElementById("board-move");
  const board = document.querySelector("[data-board]");
  if (!form || !board) {
    return;
  }
  const errorBox = document.getElementById("board-error");
  const announce = document.getElementById("board-announce");

  function showError(text) {
    errorBox.textContent = text;
    errorBox.classList.remove("d-none");
  }

  function clearError() {
    errorBox.textContent = "";
    errorBox.classList.add("d-none");
  }

  function columnOf(status) {
    return board.querySelector('[data-board-column][data-status="' + status + '"]');
  }

  function addToCount(list, delta) {
    const badge = list.closest(".board-column").querySelector("[data-board-count]");
    badge.textContent = String(Number(badge.textContent) + delta);
    if (list.closest(".board-ended")) {
      const total = board.querySelector("[data-board-ended-total]");
      total.textContent = String(Number(total.textContent) + delta);
    }
  }

  function post(card, status) {
    const select = card.querySelector("[data-board-select]");
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    body.append(select.name, status);
    return fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || board.dataset.failed);
          }
          return data;
        });
    });
  }

  // The card is in its new column already; bring what it shows in step with the server.
  function settle(card, from, data) {
    card.querySelector("[data-board-select]").value = data.status;
    card.querySelector("[data-board-days]").textContent = board.dataset.moved;
    addToCount(from, -1);
    addToCount(card.parentElement, 1);
    clearError();
    announce.textContent = data.message;
  }

  function fail(error) {
    showError(error.message || board.dataset.failed);
  }

  // Keyboard (and any pointer): the card's select chooses the column, Move moves it there.
  board.addEventListener("click", function (event) {
    const button = event.target.closest("[data-board-move]");
    if (!button) {
      return;
    }
    event.preventDefault();
    const card = button.closest("[data-board-card]");
    const from = card.parentElement;
    const status = card.querySelector("[data-board-select]").value;
    if (status === from.dataset.status) {
      return;
    }
    button.disabled = true;
    post(card, status)
      .then(function (data) {
        const to = columnOf(data.status);
        to.prepend(card);
        const ended = to.closest("details");
        if (ended) {
          ended.open = true;
        }
        settle(card, from, data);
        // Focus stays on the card, now in its new column.
        card.querySelector("[data-board-select]").focus();
      })
      .catch(fail)
      .finally(function () {
        button.disabled = false;
      });
  });

  // Mouse and touch: drag between columns. On a touch screen a card is held a moment before it
  // drags, so that a swipe still scrolls the columns.
  if (typeof Sortable === "undefined") {
    return;
  }
  board.querySelectorAll("[data-board-column]").forEach(function (list) {
    Sortable.create(list, {
      group: "board",
      draggable: "[data-board-card]",
      filter: "select, button",
      preventOnFilter: false,
      delay: 200,
      delayOnTouchOnly: true,
      animation: 150,
      // Within a column the order is the server's (most recently moved first).
      sort: false,
      onEnd: function (event) {
        const card = event.item;
        const from = event.from;
        const to = event.to;
        if (from === to) {
          return;
        }
        post(card, to.dataset.status)
          .then(function (data) {
            to.prepend(card);
            settle(card, from, data);
          })
          .catch(function (error) {
            // oldIndex counts cards only (the draggable ones); this one has left the list.
            const next = from.querySelectorAll("[data-board-card]")[event.oldIndex];
            from.insertBefore(card, next || null);
            fail(error);
          });
      },
    });
  });
})();
