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
    L.geoJSON(outlines, {
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

  // All reports, grouped on a pixel grid so thousands of pins stay readable.
  var all = document.querySelector("[data-reports-map]");
  if (all) {
    var rmap = baseMap(all);
    var layer = L.layerGroup().addTo(rmap);
    var points = [];  // [id, lat, lon, category code, status, overdue]
    var draw = function () {
      layer.clearLayers();
      var cells = {};
      points.forEach(function (p) {
        var px = rmap.project([p[1], p[2]], rmap.getZoom());
        var key = Math.floor(px.x / 60) + ":" + Math.floor(px.y / 60);
        (cells[key] = cells[key] || []).push(p);
      });
      Object.keys(cells).forEach(function (key) {
        var group = cells[key];
        var first = group[0];
        var overdue = group.some(function (p) { return p[5]; });
        if (group.length === 1 || rmap.getZoom() >= 18) {
          group.forEach(function (p) {
            var a = document.createElement("a");
            a.href = config.detail + p[0] + "/";
            a.textContent = "#" + p[0] + " " + (config.categories[p[3]] || p[3]) + " · " + (config.statuses[p[4]] || p[4]);
            pin([p[1], p[2]], p[5]).bindPopup(a).addTo(layer);
          });
        } else {
          var icon = L.divIcon({className: "map-count" + (overdue ? " has-overdue" : ""),
            html: String(group.length), iconSize: [36, 36]});
          L.marker([first[1], first[2]], {icon: icon}).on("click", function () {
            rmap.setView([first[1], first[2]], rmap.getZoom() + 2);
          }).addTo(layer);
        }
      });
    };
    fetch(all.dataset.reportsMap, {headers: {Accept: "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) { points = data.points || []; draw(); });
    rmap.on("zoomend", draw);
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
