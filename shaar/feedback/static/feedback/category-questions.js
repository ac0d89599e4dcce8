// Every category's questions are on the form page, so that it works offline: show and
// enable only the chosen category's (disabled fields are neither validated nor sent).
(function () {
  "use strict";
  var select = document.querySelector("[data-category-select]");
  if (!select) return;
  function show() {
    document.querySelectorAll("[data-questions-for]").forEach(function (box) {
      var chosen = box.getAttribute("data-questions-for") === select.value;
      box.hidden = !chosen;
      box.querySelector("fieldset").disabled = !chosen;
    });
  }
  select.addEventListener("change", show);
  show();
})();
