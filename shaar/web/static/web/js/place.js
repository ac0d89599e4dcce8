// Choosing a place without a mouse: address search as you type (a WAI-ARIA combobox over the
// city's address register), arrow keys that move the pin on a focused map with Enter to
// confirm, and the nearest address under a pin, announced to screen readers.
(function () {
  "use strict";
  var API = "/api/v1/city/addresses/";

  function lang() { return document.documentElement.lang || "en"; }

  function getJSON(url) {
    return fetch(url, {headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });  // offline: the pin keeps its coordinates
  }

  function format(template, value) { return template.replace("%s", value); }

  function describe(address) {
    return address.district_name ? address.label + " (" + address.district_name + ")" : address.label;
  }

  // The register's address within 150 m of the point, or null.
  function nearest(lat, lon) {
    return getJSON(API + "nearest/?lat=" + lat.toFixed(6) + "&lon=" + lon.toFixed(6) + "&lang=" + lang());
  }

  function searchBox(input, text, onChoose) {
    var list = document.createElement("ul");
    list.id = input.id + "-options";
    list.className = "address-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", text.suggestions);
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    var results = [], active = -1, timer = null, sequence = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) input.setAttribute("aria-activedescendant", list.id + "-" + index);
    }
    function choose(index) {
      var address = results[index];
      input.value = address.label;
      close();
      status.textContent = format(text.chosen, describe(address));
      onChoose(address);
    }
    function render() {
      list.textContent = "";
      results.forEach(function (address, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = describe(address);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      status.textContent = results.length ? format(text.found, String(results.length)) : text.none;
      active = -1;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { results = []; close(); return; }
      timer = setTimeout(function () {
        var mine = ++sequence;
        getJSON(API + "?q=" + encodeURIComponent(query) + "&lang=" + lang()).then(function (data) {
          if (mine !== sequence || data === null) return;
          results = data;
          render();
        });
      }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, results.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // Arrow keys move a pin on the focused map (Shift: further), Enter or Space puts it there,
  // + and - zoom. `confirm(lat, lon)` is the page's own "the resident chose this point".
  function keyboardPin(map, text, current, confirm) {
    var el = map.getContainer();
    map.keyboard.disable();  // Leaflet's arrow keys pan the map; here they move the pin
    el.tabIndex = 0;
    el.setAttribute("role", "application");
    el.setAttribute("aria-label", text.map);
    var cursor = null;
    function cursorAt(latlng) {
      if (cursor) { cursor.setLatLng(latlng); return; }
      cursor = L.circleMarker(latlng, {radius: 12, weight: 3, color: "#b00020", fill: false,
                                       interactive: false, className: "keyboard-cursor"}).addTo(map);
    }
    el.addEventListener("focus", function () {
      if (!cursor) cursorAt(current() || map.getCenter());
    });
    el.addEventListener("blur", function () {
      if (cursor) { cursor.remove(); cursor = null; }
    });
    var moves = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
    el.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (moves[e.key]) {
        e.preventDefault();
        if (!cursor) cursorAt(current() || map.getCenter());
        var step = e.shiftKey ? 80 : 16;
        var point = map.latLngToContainerPoint(cursor.getLatLng())
          .add(L.point(moves[e.key][0] * step, moves[e.key][1] * step));
        var latlng = map.containerPointToLatLng(point);
        cursorAt(latlng);
        if (!map.getBounds().pad(-0.15).contains(latlng)) map.panTo(latlng);
      } else if ((e.key === "Enter" || e.key === " ") && cursor) {
        e.preventDefault();
        var chosen = cursor.getLatLng();
        confirm(chosen.lat, chosen.lng);
      } else if (e.key === "+" || e.key === "=") {
        e.preventDefault(); map.zoomIn();
      } else if (e.key === "-" || e.key === "_") {
        e.preventDefault(); map.zoomOut();
      }
    });
  }

  // After a pin is placed: announce it (and the nearest address) in `live`, and offer the
  // address to `addressInput` unless the resident typed one of their own.
  function announcePin(lat, lon, text, live, addressInput) {
    var coordinates = lat.toFixed(5) + ", " + lon.toFixed(5);
    if (live) live.textContent = format(text.pin, coordinates);
    nearest(lat, lon).then(function (address) {
      if (!address) return;
      if (live) live.textContent = format(text.pin, coordinates) + " " + format(text.nearest, describe(address));
      if (addressInput && (!addressInput.value || addressInput.dataset.fromMap === "true")) {
        addressInput.value = address.label;
        addressInput.dataset.fromMap = "true";
      }
    });
  }

  window.shaarPlace = {searchBox: searchBox, keyboardPin: keyboardPin, announcePin: announcePin,
                       describe: describe};
})();
