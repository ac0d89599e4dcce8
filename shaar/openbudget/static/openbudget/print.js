// The "Print" button of the printable Citizen's Budget (no inline handlers: strict CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
