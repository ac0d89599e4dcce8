// Shaar site shell behaviour. No inline scripts anywhere: the CSP allows only our files.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The language menu submits itself when changed (the button stays for no-JS users).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) {
      event.target.form.submit();
    }
  });

  // htmx sends the CSRF token with every non-GET request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () {
        // An unsupported or blocked service worker only loses offline support.
      });
    });
  }
})();
