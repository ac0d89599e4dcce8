// Maps for feedback: picking a point, showing one report, all reports, clusters.
// District outlines and pins are vector layers, so they show even when tiles fail.
(function () {
  "use strict";
  var configNode = document.getElementById("map-config");
  if (!configNode || typeof L === "undefined") return;
  var config = JSON.parse(configNode.textContent);

  function baseMap(node) {
    var map = L.map(node, {preferCanvas: true}).setView(config.center, config.zoom);
    window.shaarBaseMap(map, config);
    var outlines = {type: "FeatureCollection", features: (config.districts || []).map(function (d) {
      return {type: "Feature", geometry: d.boundary, properties: {name: d.name}};
    })};
    map.outlines = L.geoJSON(outlines, {
      style: {color: "#0b5394", weight: 2, fillOpacity: 0.04},
      onEachFeature: function (feature, layer) { layer.bindTooltip(feature.properties.name); }
    }).addTo(map);
    node.dataset.outlines = String(outlines.features.length);
    return map;
  }

  function pin(latlng, overdue) {
    return L.circleMarker(latlng, {radius: 8, weight: 2, color: "#fff",
      fillColor: overdue ? "#b00020" : "#0b5394", fillOpacity: 0.9});
  }

  // Choosing the place of a new report.
  var pick = document.querySelector("[data-pick-map]");
  if (pick) {
    var form = pick.closest("form");
    var latInput = form.querySelector("input[name=lat]");
    var lonInput = form.querySelector("input[name=lon]");
    var map = baseMap(pick);
    var marker = null;
    var live = form.querySelector("[data-location-text]");
    var addressInput = form.querySelector("[data-address-search]");
    // `announce` false: the page only restores a point (no address lookup, nothing said).
    var setPoint = function (lat, lon, fromUser, announce) {
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
      if (marker) { marker.setLatLng([lat, lon]); } else { marker = pin([lat, lon], false).addTo(map); }
      if (fromUser) map.setView([lat, lon], Math.max(map.getZoom(), 16));
      if (announce === false) {
        if (live) live.textContent = lat.toFixed(5) + ", " + lon.toFixed(5);
      } else {
        window.shaarPlace.announcePin(lat, lon, config.text, live, addressInput);
      }
      form.dispatchEvent(new CustomEvent("feedback:point", {detail: {lat: lat, lon: lon}}));
    };
    if (latInput.value && lonInput.value) setPoint(parseFloat(latInput.value), parseFloat(lonInput.value), true, false);
    map.on("click", function (event) { setPoint(event.latlng.lat, event.latlng.lng, false); });
    window.shaarPlace.keyboardPin(map, config.text, function () { return marker && marker.getLatLng(); },
      function (lat, lon) { setPoint(lat, lon, false); });
    if (addressInput) {
      window.shaarPlace.searchBox(addressInput, config.text, function (address) {
        addressInput.dataset.fromMap = "false";
        setPoint(address.lat, address.lon, true, false);
        if (live) live.textContent = window.shaarPlace.describe(address);
      });
    }
    var locate = form.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          setPoint(pos.coords.latitude, pos.coords.longitude, true);
        }, function () { locate.disabled = true; }, {enableHighAccuracy: true, timeout: 10000});
      });
    } else if (locate) { locate.hidden = true; }
    window.feedbackSetPoint = setPoint;
  }

  // One report.
  var point = document.querySelector("[data-point-map]");
  if (point) {
    var lat = parseFloat(point.dataset.lat), lon = parseFloat(point.dataset.lon);
    var pmap = baseMap(point);
    pin([lat, lon], false).addTo(pmap);
    pmap.setView([lat, lon], 16);
  }

  // All reports: the server groups them on a grid for the visible box (one query, however
  // many reports); from zoom 17 it sends each report as a pin.
  var all = document.querySelector("[data-reports-map]");
  if (all) {
    var rmap = baseMap(all);
    // The whole city first: every district in view.
    if (rmap.outlines.getLayers().length) rmap.fitBounds(rmap.outlines.getBounds());
    var layer = L.layerGroup().addTo(rmap);
    var sequence = 0;
    var pinLink = function (p) {
      var a = document.createElement("a");
      a.href = config.detail + p[0] + "/";
      a.textContent = "#" + p[0] + " " + (config.categories[p[3]] || p[3]) + " · " + (config.statuses[p[4]] || p[4]);
      return a;
    };
    var draw = function (data) {
      layer.clearLayers();
      (data.pins || []).forEach(function (p) {
        pin([p[1], p[2]], p[5]).bindPopup(pinLink(p)).addTo(layer);
      });
      (data.clusters || []).forEach(function (c) {
        if (c[2] === 1) {
          var a = document.createElement("a");
          a.href = config.detail + c[3] + "/";
          a.textContent = "#" + c[3];
          pin([c[0], c[1]], false).bindPopup(a).addTo(layer);
          return;
        }
        var icon = L.divIcon({className: "map-count", html: String(c[2]), iconSize: [36, 36]});
        L.marker([c[0], c[1]], {icon: icon, keyboard: false}).on("click", function () {
          rmap.setView([c[0], c[1]], rmap.getZoom() + 2);
        }).addTo(layer);
      });
      all.dataset.groups = String((data.clusters || data.pins || []).length);
    };
    var load = function () {
      var b = rmap.getBounds(), mine = ++sequence;
      var box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); });
      var url = all.dataset.reportsMap + (all.dataset.reportsMap.indexOf("?") < 0 ? "?" : "&") +
        "bbox=" + box.join(",") + "&zoom=" + rmap.getZoom();
      fetch(url, {headers: {Accept: "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) { if (mine === sequence) draw(data); })
        .catch(function () { /* offline: keep what is drawn */ });
    };
    rmap.on("moveend", load);
    load();
    var nearMe = document.querySelector("[data-near-me]");
    if (nearMe && navigator.geolocation) {
      nearMe.hidden = false;
      nearMe.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          rmap.setView([pos.coords.latitude, pos.coords.longitude], 16);
        }, function () { nearMe.disabled = true; }, {timeout: 10000});
      });
    }
  }

  // Systemic clusters.
  var clusters = document.querySelector("[data-clusters-map]");
  if (clusters) {
    var cmap = baseMap(clusters);
    JSON.parse(document.getElementById("cluster-points").textContent).forEach(function (c) {
      L.circle([c.lat, c.lon], {radius: 200, color: "#b00020"}).bindTooltip(c.category + ": " + c.size).addTo(cmap);
    });
  }
})();
