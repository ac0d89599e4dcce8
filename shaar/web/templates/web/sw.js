// Shaar service worker: caches the site shell and shows an offline page.
// Pages are fetched network-first (content changes); static files cache-first.
// PAGES (the report form…) are stored at install and refreshed at each visit, so that
// they open without network; any other page offline shows the offline page.
const CACHE = "shaar-shell-{{ version }}";
const SHELL = {{ shell|safe }};
const OFFLINE_URLS = {{ offline_urls|safe }};
const PAGES = {{ pages|safe }};
// The base map: one PMTiles file read by byte ranges. Each range a map has fetched is kept
// (a Range response cannot go into the Cache API as it is, so it is stored as a plain 200
// keyed by its range and given back as a 206). The version changes with the file.
const TILES = {{ tiles|safe }};
const TILE_CACHE = "shaar-tiles-" + TILES.version;
const TILE_LIMIT = 3000;  // ranges kept, about 30 MB of a real city's tiles at most

self.addEventListener("install", (event) => {
  event.waitUntil(Promise.all([
    caches.open(CACHE).then((cache) => cache.addAll([...SHELL, ...OFFLINE_URLS, ...PAGES])),
    // The city's low zooms; a missing tile file must not stop the rest of the install.
    Promise.all(TILES.ranges.map(([first, last]) => tileRange(TILES.url, `bytes=${first}-${last}`)))
      .catch(() => null),
  ]));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) =>
    Promise.all(keys.filter((key) => key !== CACHE && key !== TILE_CACHE)
      .map((key) => caches.delete(key)))));
  self.clients.claim();
});

function offlinePageFor(request) {
  const lang = new URL(request.url).pathname.split("/")[1];
  const match = OFFLINE_URLS.find((url) => url.startsWith("/" + lang + "/")) || OFFLINE_URLS[0];
  return caches.match(match);
}

function navigate(request) {
  const path = new URL(request.url).pathname;
  if (!PAGES.includes(path)) {
    return fetch(request).catch(() => offlinePageFor(request));
  }
  // Stored under its path alone: "?category=…" variants are the same page.
  return fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(path, copy));
    }
    return response;
  }).catch(() => caches.match(path).then((hit) => hit || offlinePageFor(request)));
}

function asPartial(stored) {
  return stored.arrayBuffer().then((body) => new Response(body, {status: 206, headers: {
    "Content-Type": "application/octet-stream", "Content-Length": String(body.byteLength),
    "Content-Range": stored.headers.get("Content-Range"), "ETag": stored.headers.get("ETag") || "",
  }}));
}

function trimTiles(cache) {
  return cache.keys().then((keys) =>
    Promise.all(keys.slice(0, Math.max(0, keys.length - TILE_LIMIT)).map((key) => cache.delete(key))));
}

function tileRange(url, range) {
  const key = url + "?" + range.replace("=", "-");
  return caches.open(TILE_CACHE).then((cache) => cache.match(key).then((hit) => {
    if (hit) return asPartial(hit);
    return fetch(url, {headers: {Range: range}}).then((response) => {
      if (response.status !== 206) return response;
      return response.arrayBuffer().then((body) => {
        const headers = {"Content-Range": response.headers.get("Content-Range"),
                         "ETag": response.headers.get("ETag") || ""};
        return cache.put(key, new Response(body.slice(0), {headers}))
          .then(() => (Math.random() < 0.02 ? trimTiles(cache) : null))
          .then(() => asPartial(new Response(body, {headers})));
      });
    });
  }));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  const range = request.headers.get("Range");
  if (TILES.version && range && new URL(request.url).pathname === TILES.url) {
    event.respondWith(tileRange(TILES.url, range));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  if (new URL(request.url).pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
      return response;
    })));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "shaar-outbox") {
    event.waitUntil(self.clients.matchAll().then((clients) =>
      clients.forEach((client) => client.postMessage({type: "flush-outbox"}))));
  }
});
