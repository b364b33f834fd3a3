/* The map of an entry's page: Leaflet, the entry's position, the tiles of RELAY_WEB_TILES_URL.
   The page says the position in words and links to OpenStreetMap; this only adds the map. */
(function () {
  "use strict";
  var box = document.getElementById("carte");
  if (!box || typeof L === "undefined") {
    return;
  }
  var lat = parseFloat(box.getAttribute("data-lat"));
  var lon = parseFloat(box.getAttribute("data-lon"));
  if (!isFinite(lat) || !isFinite(lon)) {
    return;
  }
  var name = box.getAttribute("data-nom") || "";
  var tiles = box.getAttribute("data-tuiles") || "";
  var credit = document.createElement("span");
  credit.textContent = box.getAttribute("data-credit") || "";
  box.classList.add("carte-active");
  var map = L.map(box, { scrollWheelZoom: false, zoomControl: false }).setView([lat, lon], 15);
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
  map.attributionControl.setPrefix(false);
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19, attribution: credit.innerHTML }).addTo(map);
  }
  L.marker([lat, lon], { title: name, alt: "Position : " + name, keyboard: false }).addTo(map);
})();
