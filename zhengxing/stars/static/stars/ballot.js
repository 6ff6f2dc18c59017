// A ballots form (stars/_ballots.html): a grade tapped writes its score into the row's box, a
// score typed clears the grade, and "已评 12/32" counts the rows rated so far. No inline
// script (the Content-Security-Policy allows none); the form works without this file.
(function () {
  "use strict";
  function rated(row) {
    var boxes = row.querySelectorAll("input.ballot-score");
    for (var i = 0; i < boxes.length; i++) if (boxes[i].value.trim()) return true;
    return false;
  }
  function count(list) {
    var form = list.closest("form") || document;
    var out = form.querySelector("[data-rated]");
    if (!out) return;
    var n = 0;
    list.querySelectorAll(".ballot-row").forEach(function (row) { if (rated(row)) n += 1; });
    out.textContent = String(n);
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    var list = input.closest && input.closest("[data-ballot]");
    if (!list) return;
    if (input.type === "radio" && input.checked) {
      var cell = input.closest(".ballot-cell");
      var box = cell && cell.querySelector("input.ballot-score");
      if (box) box.value = input.dataset.score;
    }
    count(list);
  });
  document.addEventListener("input", function (event) {
    var input = event.target;
    var list = input.closest && input.closest("[data-ballot]");
    if (!list || !input.classList.contains("ballot-score")) return;
    var cell = input.closest(".ballot-cell");
    cell.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.checked = radio.dataset.score === input.value.trim();
    });
    count(list);
  });
})();
