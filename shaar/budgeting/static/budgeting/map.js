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
  if (el.dataset.pick) {
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    if (lat && lat.value && lon.value) {
      marker = L.marker([lat.value, lon.value]).addTo(map);
    }
    map.on("click", function (e) {
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
    });
  }
})();
