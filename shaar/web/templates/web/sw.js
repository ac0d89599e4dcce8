// Shaar service worker: caches the site shell and shows an offline page.
// Pages are fetched network-first (content changes); static files cache-first.
// PAGES (the report form…) are stored at install and refreshed at each visit, so that
// they open without network; any other page offline shows the offline page.
const CACHE = "shaar-shell-{{ version }}";
const SHELL = {{ shell|safe }};
const OFFLINE_URLS = {{ offline_urls|safe }};
const PAGES = {{ pages|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) =>
    cache.addAll([...SHELL, ...OFFLINE_URLS, ...PAGES])));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) =>
    Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))));
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

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
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
