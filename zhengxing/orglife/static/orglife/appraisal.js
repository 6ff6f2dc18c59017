// The appraisal ballot (orglife/appraisal/mine.html), better with script: as the voter taps,
// the tally at the foot counts the members graded and the 优秀 against the cap, and its link
// jumps to the next member not yet graded; a ballot with someone left out or too many 优秀
// is stopped here with the reason (the server refuses it all the same). No inline script (the
// Content-Security-Policy allows none); the form posts as it is without this file.
(function () {
  "use strict";
  var form = document.querySelector("[data-appraisal]");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll(".ballot-row"));
  var allowed = parseInt(form.dataset.allowed, 10) || 0;
  var graded = form.querySelector("[data-graded]");
  var excellent = form.querySelector("[data-excellent]");
  var box = form.querySelector("[data-excellent-box]");
  var next = form.querySelector("[data-next]");
  var note = form.querySelector("[data-note]");
  var current = null; // the row last tapped or jumped to: the next is looked for after it

  function grade(row) {
    var chosen = row.querySelector("input[type=radio]:checked");
    return chosen ? chosen.value : "";
  }
  function todo() {
    return rows.filter(function (row) { return !grade(row); });
  }
  function after(row) {
    var left = todo();
    if (!left.length) return null;
    var from = row ? rows.indexOf(row) : -1;
    for (var i = 0; i < left.length; i++) if (rows.indexOf(left[i]) > from) return left[i];
    return left[0];
  }
  function tally() {
    var left = todo();
    var n = rows.filter(function (row) { return grade(row) === "excellent"; }).length;
    graded.textContent = String(rows.length - left.length);
    excellent.textContent = String(n);
    box.classList.toggle("over", n > allowed);
    var target = after(current);
    next.hidden = !target;
    if (target) next.setAttribute("href", "#" + target.id);
    if (n <= allowed && note.dataset.kind === "over") say("", "");
    if (!left.length && note.dataset.kind === "todo") say("", "");
    return { left: left, excellent: n };
  }
  function say(text, kind) {
    note.textContent = text;
    note.dataset.kind = kind;
  }
  function show(row) {
    current = row;
    row.scrollIntoView({ block: "center", behavior: "smooth" });
    var first = row.querySelector("input[type=radio]");
    if (first) first.focus({ preventScroll: true });
  }

  form.addEventListener("change", function (event) {
    var row = event.target.closest(".ballot-row");
    if (!row) return;
    current = row;
    row.classList.remove("todo");
    var counted = tally();
    if (event.target.value === "excellent" && counted.excellent > allowed) {
      say(box.dataset.overText.replace("%s", String(allowed)), "over");
    }
  });
  next.addEventListener("click", function (event) {
    var target = after(current);
    if (!target) return;
    event.preventDefault();
    show(target);
    tally();
  });
  form.addEventListener("submit", function (event) {
    var counted = tally();
    if (counted.left.length) {
      event.preventDefault();
      counted.left.forEach(function (row) { row.classList.add("todo"); });
      say(note.dataset.todoText.replace("%s", String(counted.left.length)), "todo");
      show(counted.left[0]);
    } else if (counted.excellent > allowed) {
      event.preventDefault();
      say(box.dataset.overText.replace("%s", String(allowed)), "over");
    }
  });
  tally();
})();
