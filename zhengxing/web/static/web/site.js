// What the pages do in the browser, without inline scripts or handlers (the Content-Security-
// Policy allows none): print buttons, and the points a chosen scoring item suggests.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
  // <select data-prefill-points>: each option carries data-points, copied into the form's
  // points field when that item is chosen.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-prefill-points]")) return;
    var option = select.selectedOptions[0];
    var points = select.form && select.form.elements.namedItem("points");
    if (option && option.dataset.points && points) points.value = option.dataset.points;
  });
})();
