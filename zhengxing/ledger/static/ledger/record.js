// Registering for members (ledger/workflow/record_form.html): "select all", "select none" and
// each group tick its members at once, without reloading the form (the links do that without
// script); a group already all ticked is unticked. The count in the legend follows.
(function () {
  "use strict";
  function boxes(set) { return Array.prototype.slice.call(set.querySelectorAll("input[type=checkbox]")); }
  function recount(set) {
    var out = set.querySelector("[data-ticked]");
    if (out) out.textContent = String(boxes(set).filter(function (b) { return b.checked; }).length);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-pick]");
    var set = link && link.closest("[data-pick-members]");
    if (!set) return;
    event.preventDefault();
    var pick = link.dataset.pick;
    var chosen = boxes(set).filter(function (b) { return pick === "all" || b.dataset.group === pick; });
    var on = pick !== "none" && !(pick !== "all" && chosen.every(function (b) { return b.checked; }));
    (pick === "none" ? boxes(set) : chosen).forEach(function (b) { b.checked = on; });
    recount(set);
  });
  document.addEventListener("change", function (event) {
    var set = event.target.closest && event.target.closest("[data-pick-members]");
    if (set) recount(set);
  });
})();
