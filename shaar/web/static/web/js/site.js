// Shaar site shell behaviour. No inline scripts anywhere: the CSP allows only our files.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  // Numbers as the server writes them in the page's language (Django's format module for
  // that language, handed over on <html>): "40 000 000" in ky/ru, "40,000,000" in en.
  // Browsers' own Intl data for Kyrgyz differs between versions, so it is not used.
  function formatNumber(value, decimals) {
    var fixed = Math.abs(Number(value)).toFixed(decimals || 0).split(".");
    var grouped = fixed[0].replace(/\B(?=(\d{3})+(?!\d))/g, root.dataset.thousandSeparator || " ");
    var text = fixed[1] ? grouped + (root.dataset.decimalSeparator || ".") + fixed[1] : grouped;
    return (Number(value) < 0 ? "−" : "") + text;
  }
  window.Shaar = { formatNumber: formatNumber };

  function ready() {
    // The phone menu: a button that shows and hides the navigation.
    var button = document.querySelector(".menu-button");
    var navs = document.querySelectorAll(".site-nav");
    if (button && navs.length) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        navs.forEach(function (nav) { nav.classList.toggle("open", open); });
      });
    }

    // Copy buttons (a ballot receipt): shown only where the browser can copy.
    if (navigator.clipboard) {
      document.querySelectorAll("button[data-copy]").forEach(function (copy) {
        copy.hidden = false;
        copy.addEventListener("click", function () {
          var text = document.getElementById(copy.dataset.copy).textContent.trim();
          navigator.clipboard.writeText(text).then(function () {
            copy.textContent = copy.dataset.copied;
          }).catch(function () {});
        });
      });
    }

    // Close the language menu when the visitor taps elsewhere or presses Escape.
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.lang[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) { menu.open = false; }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      document.querySelectorAll("details.lang[open]").forEach(function (menu) {
        menu.open = false;
        menu.querySelector("summary").focus();
      });
    });

    // A table wider than the screen scrolls inside its own region, which the keyboard can
    // reach (a table outside a .table-wrap gets one).
    document.querySelectorAll("main table").forEach(function (table) {
      var wrap = table.parentElement;
      if (!wrap.classList.contains("table-wrap")) {
        wrap = document.createElement("div");
        wrap.className = "table-wrap";
        table.parentElement.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
      if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
        var caption = table.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        if (caption) {
          wrap.setAttribute("role", "region");
          wrap.setAttribute("aria-label", caption.textContent.trim());
        }
      }
    });

    // Tables that become stacked cards on phones: each cell is labelled with its heading.
    document.querySelectorAll("table.stacked").forEach(function (table) {
      var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (cell.tagName === "TD" && headings[index] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", headings[index]);
          }
        });
      });
    });

    // A form that came back with errors: focus goes to the first one, so a screen reader
    // reads it and a phone scrolls to it instead of leaving the resident at the top.
    var firstError = document.querySelector("[aria-invalid='true']:not([type=hidden]), .field-error, .error-summary, .errorlist");
    if (firstError) {
      var target = firstError.matches("input, select, textarea") ? firstError
        : (firstError.closest(".field, .field-error, fieldset, p") || firstError).querySelector("input:not([type=hidden]), select, textarea");
      if (target) {
        target.focus();
      } else {
        if (!firstError.hasAttribute("tabindex")) { firstError.setAttribute("tabindex", "-1"); }
        firstError.focus();
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }

  // htmx sends the CSRF token with every non-GET request (on the pages that load htmx).
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
