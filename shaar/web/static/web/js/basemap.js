// The city's base map: vector tiles from one PMTiles file on our own origin, drawn on
// canvas by protomaps-leaflet. Pages call shaarBaseMap(map, config) after making their map;
// district outlines and pins stay ordinary Leaflet layers, so they show even without tiles.
(function () {
  "use strict";
  window.shaarBaseMap = function (map, config) {
    if (!config || !config.tiles || typeof protomapsL === "undefined") return null;
    var layer = protomapsL.leafletLayer({
      url: config.tiles, flavor: "light", lang: config.lang,
      maxDataZoom: config.max_data_zoom, maxZoom: 19, attribution: config.attribution
    });
    layer.addTo(map);
    if (config.sample) map.getContainer().dataset.sampleMap = "true";
    return layer;
  };
})();
