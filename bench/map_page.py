"""Map weight and time on a throttled phone: protomaps-leaflet (what Shaar ships) against
MapLibre GL, drawing the same PMTiles file, and optionally a real Shaar page.

    .venv/bin/python bench/map_page.py --maplibre-dir DIR [--site URL] [--runs 3]

DIR holds maplibre-gl 6.x's dist (maplibre-gl.mjs, maplibre-gl-worker.mjs,
maplibre-gl.css), pmtiles' dist/pmtiles.js and @protomaps/basemaps' dist/basemaps.js
(`npm install maplibre-gl pmtiles @protomaps/basemaps`, then point at node_modules;
they are only needed for the comparison, never vendored). The tile file is the demo's
(built into a temporary folder).

Each page is opened cold in Chromium with Chrome DevTools Protocol throttling: "slow 4G"
(150 ms latency, 1.6 Mbit/s down, 0.75 Mbit/s up) and the CPU slowed 4×, at 390×844.
Printed: bytes transferred (as served: this harness and runserver do not compress, nginx
gzips JavaScript in production) and milliseconds until the map has drawn (protomaps-leaflet:
a tile canvas shows land and streets; MapLibre: the `idle` event).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENDOR = ROOT / "shaar" / "web" / "static" / "vendor"
CENTRE = (42.8765, 74.60)
DRAWN = """() => Array.from(document.querySelectorAll('canvas.leaflet-tile')).some((c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const seen = new Set();
  for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]);
  return seen.size > 3;
})"""

LEAFLET_PAGE = f"""<!doctype html><meta charset=utf-8>
<link rel=stylesheet href=leaflet.css><div id=map style="width:390px;height:600px"></div>
<script src=leaflet.js></script><script src=protomaps-leaflet.js></script><script>
var map = L.map("map").setView([{CENTRE[0]}, {CENTRE[1]}], 14);
protomapsL.leafletLayer({{url: "city.pmtiles", flavor: "light", lang: "en", maxDataZoom: 15}})
  .addTo(map);
</script>"""

MAPLIBRE_PAGE = f"""<!doctype html><meta charset=utf-8>
<link rel=stylesheet href=maplibre-gl.css><div id=map style="width:390px;height:600px"></div>
<script src=pmtiles.js></script><script src=basemaps.js></script>
<script type=module>
import {{Map, addProtocol}} from "./maplibre-gl.mjs";
const protocol = new pmtiles.Protocol();
addProtocol("pmtiles", protocol.tile);
// Without glyph files (not vendored) the label layers are left out: MapLibre does less
// work here than it would with street names.
const layers = basemaps.layers("protomaps", basemaps.namedFlavor("light"), {{lang: "en"}})
  .filter((layer) => layer.type !== "symbol");
const map = new Map({{container: "map", center: [{CENTRE[1]}, {CENTRE[0]}], zoom: 13,
  style: {{version: 8, sources: {{protomaps: {{type: "vector",
    url: "pmtiles://" + location.origin + "/city.pmtiles"}}}}, layers}}}});
map.once("idle", () => {{ window.mapIdle = true; }});
</script>"""


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with single byte ranges (what a PMTiles reader asks for)."""

    def log_message(self, *args) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def do_GET(self) -> None:
        header = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if not header or not path.is_file():
            return super().do_GET()
        data = path.read_bytes()
        first, last = header.removeprefix("bytes=").split("-")
        start, end = int(first), min(int(last or len(data) - 1), len(data) - 1)
        self.send_response(206)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.wfile.write(data[start:end + 1])


def serve(folder: Path) -> str:
    handler = functools.partial(RangeHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def measure(browser, url: str, done: str) -> tuple[int, float]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
        "uploadThroughput": 0.75e6 / 8})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    received: list[float] = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    page.goto(url, wait_until="commit")
    page.wait_for_function(done, timeout=120_000, polling=100)
    elapsed = page.evaluate("performance.now()")
    page.wait_for_timeout(300)
    context.close()
    return int(sum(received)), elapsed


def report(name: str, runs: list[tuple[int, float]]) -> None:
    sizes, times = [r[0] for r in runs], [r[1] for r in runs]
    print(f"{name:40} {statistics.median(sizes) / 1024:9.0f} KB {statistics.median(times):9.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--maplibre-dir", type=Path, required=True)
    parser.add_argument("--site", help="a Shaar page with a map to measure too")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaar.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from shaar.city import demo

    folder = Path(tempfile.mkdtemp(prefix="map-bench-"))
    demo.build_tiles(folder / "city.pmtiles")
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css",
                 "protomaps-leaflet/protomaps-leaflet.js"):
        shutil.copy(VENDOR / name, folder)
    mdir = args.maplibre_dir
    for name in ("maplibre-gl/dist/maplibre-gl.mjs", "maplibre-gl/dist/maplibre-gl-worker.mjs",
                 "maplibre-gl/dist/maplibre-gl.css", "pmtiles/dist/pmtiles.js",
                 "@protomaps/basemaps/dist/basemaps.js"):
        shutil.copy(mdir / name, folder)
    (folder / "leaflet.html").write_text(LEAFLET_PAGE)
    (folder / "maplibre.html").write_text(MAPLIBRE_PAGE)
    base = serve(folder)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-background-networking", "--no-first-run",
                  "--disable-component-update", "--disable-sync", "--use-angle=swiftshader",
                  "--enable-unsafe-swiftshader"])
        print(f"{'page (slow 4G, CPU ×4)':40} {'weight':>12} {'drawn':>12}")
        report("protomaps-leaflet + Leaflet",
               [measure(browser, f"{base}/leaflet.html", DRAWN) for _ in range(args.runs)])
        report("MapLibre GL (no labels)",
               [measure(browser, f"{base}/maplibre.html", "() => window.mapIdle === true")
                for _ in range(args.runs)])
        if args.site:
            report(f"site: {args.site.split('//', 1)[-1][:33]}",
                   [measure(browser, args.site, DRAWN) for _ in range(args.runs)])
        browser.close()
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
