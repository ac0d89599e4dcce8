// Proposal location: shows district outlines and the pin even when tiles cannot load;
// on the proposal form a tap places the pin and fills the hidden latitude/longitude.
(function () {
  "use strict";
  var node = document.getElementById("map-data");
  var el = document.getElementById("map");
  if (!node || !el || typeof L === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var map = L.map(el).setView(data.pin || data.center, data.pin ? 15 : data.zoom);
  window.shaarBaseMap(map, data);
  (data.districts || []).forEach(function (g) {
    L.geoJSON(g, { style: { color: "#0b5394", weight: 2, fill: false } }).addTo(map);
  });
  var marker = data.pin ? L.marker(data.pin).addTo(map) : null;
  // A cycle's proposals: grouped by leaflet.markercluster so hundreds stay readable.
  if (el.dataset.cluster && data.points) {
    var group = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 50});
    data.points.forEach(function (p) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.title;
      var popup = document.createElement("span");
      popup.appendChild(link);
      popup.appendChild(document.createTextNode(" · " + p.status));
      group.addLayer(L.circleMarker([p.lat, p.lon], {radius: 8, weight: 2, color: "#fff",
        fillColor: p.funded ? "#1b7837" : "#0b5394", fillOpacity: 0.9}).bindPopup(popup));
    });
    map.addLayer(group);
    if (data.points.length) map.fitBounds(group.getBounds().pad(0.2), {maxZoom: 15});
    el.dataset.points = String(data.points.length);
  }
  if (el.dataset.pick) {
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var live = document.getElementById("map-place");
    var place = function (latlng, fromSearch) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, {keyboard: false}).addTo(map); }
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (fromSearch) { map.setView(latlng, Math.max(map.getZoom(), 16)); return; }
      window.shaarPlace.announcePin(latlng.lat, latlng.lng, data.text, live, null);
    };
    if (lat && lat.value && lon.value) {
      marker = L.marker([lat.value, lon.value], {keyboard: false}).addTo(map);
    }
    map.on("click", function (e) { place(e.latlng, false); });
    window.shaarPlace.keyboardPin(map, data.text, function () { return marker && marker.getLatLng(); },
      function (la, lo) { place(L.latLng(la, lo), false); });
    var search = document.getElementById("map-search");
    if (search) {
      window.shaarPlace.searchBox(search, data.text, function (address) {
        place(L.latLng(address.lat, address.lon), true);
        if (live) live.textContent = window.shaarPlace.describe(address);
      });
    }
  }
})();
