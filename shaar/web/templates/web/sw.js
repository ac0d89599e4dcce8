// Shaar service worker: caches the site shell and shows an offline page.
// Pages are fetched network-first (content changes); static files cache-first.
const CACHE = "shaar-shell-{{ version }}";
const SHELL = {{ shell|safe }};
const OFFLINE_URLS = {{ offline_urls|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...SHELL, ...OFFLINE_URLS])));
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

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => offlinePageFor(request)));
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
