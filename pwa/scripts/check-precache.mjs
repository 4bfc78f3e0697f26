// After `vite build`: the worker exists and precaches what the app needs to open offline
// (the same assertion vite-plugin-pwa's own build test makes). Exits non-zero on any miss.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const failures = [];
const fail = (msg) => failures.push(msg);

const swPath = join(dist, "sw.js");
if (!existsSync(swPath)) {
  console.error(`FAIL: ${swPath} does not exist (run npm run build first)`);
  process.exit(1);
}
const sw = readFileSync(swPath, "utf8");
if (sw.includes("self.__WB_MANIFEST")) fail("sw.js still contains self.__WB_MANIFEST: the precache list was not injected");

// Entries look like {"revision":"...","url":"index.html"}; allow any quoting a minifier may choose.
const listed = [...sw.matchAll(/["'`]?url["'`]?\s*:\s*["'`]([^"'`]+)["'`]/g)].map((m) => m[1].replace(/^\//, ""));
const urls = new Set(listed);
if (listed.length !== urls.size) fail(`precache list names a file twice: ${listed.join(", ")}`);
const required = [
  "index.html",
  "manifest.webmanifest",
  "icon.svg",
  "icon-192.png",
  "icon-512.png",
  "icon-maskable-512.png",
  "apple-touch-icon.png",
];
for (const url of required) if (!urls.has(url)) fail(`precache list lacks ${url}`);
const hasJs = [...urls].some((u) => u.startsWith("assets/") && u.endsWith(".js"));
const hasCss = [...urls].some((u) => u.startsWith("assets/") && u.endsWith(".css"));
if (!hasJs) fail("precache list has no app script under assets/");
if (!hasCss) fail("precache list has no stylesheet under assets/");
for (const url of urls) if (!existsSync(join(dist, url))) fail(`precached ${url} is not in dist/`);

// The navigation fallback must keep its hands off the API, the health check and the shelters'
// public pages (/s/<code>, /r and /w/<token> are the server's forms that work without JavaScript).
if (!sw.includes("healthz")) fail("sw.js has no /healthz denylist entry");
if (!/\\\/api/.test(sw)) fail("sw.js has no /api/ denylist entry");
// One pattern covers /s (shelters), /r (residents' subscription) and /w (a warning SMS's link).
if (!sw.includes("\\/[srw](?:[/?]|$)")) fail("sw.js has no /s/, /r/, /w/ denylist entry (the server's public pages)");

// The outbox must flush from the worker on Background Sync (tag shared with src/data/flush.ts).
if (!sw.includes("yjt-outbox")) fail("sw.js has no Background Sync handler for the outbox (tag yjt-outbox)");

// The map picker opens offline: Leaflet's chunk and its CSS are precached like the shell, but the
// shell's own script does not carry Leaflet (it loads only when the picker opens).
const assetText = (u) => readFileSync(join(dist, u), "utf8");
const assets = [...urls].filter((u) => u.startsWith("assets/") && existsSync(join(dist, u)));
if (!assets.some((u) => u.endsWith(".css") && assetText(u).includes(".leaflet-container"))) fail("no precached stylesheet has Leaflet's CSS (.leaflet-container)");
if (!assets.some((u) => u.endsWith(".js") && assetText(u).includes("leaflet-container"))) fail("no precached script has Leaflet");
const entry = /<script[^>]+src="\/?(assets\/[^"]+\.js)"/.exec(existsSync(join(dist, "index.html")) ? readFileSync(join(dist, "index.html"), "utf8") : "");
if (!entry) fail("index.html has no entry script under assets/");
else if (existsSync(join(dist, entry[1])) && assetText(entry[1]).includes("leaflet-container")) fail(`${entry[1]} (the shell) bundles Leaflet: it must be a lazy import`);
// Every chunk the build emitted is precached: a screen that loads with import() must open offline
// the first time too, after one online visit. The compressed copies are for the wire, not the cache.
const emitted = [];
const walk = (dir) => {
  for (const name of readdirSync(join(dist, dir))) {
    const rel = dir ? `${dir}/${name}` : name;
    if (statSync(join(dist, rel)).isDirectory()) walk(rel);
    else emitted.push(rel);
  }
};
walk("assets");
for (const u of emitted) {
  if (/\.(br|gz)$/.test(u)) continue;
  if (/\.(js|css)$/.test(u) && !urls.has(u)) fail(`${u} was emitted but is not precached: that screen would not open offline`);
  // server/web.py (and nginx's brotli_static/gzip_static) send these; scripts/compress.mjs makes them.
  for (const ext of [".br", ".gz"]) if (/\.(js|css)$/.test(u) && !existsSync(join(dist, u + ext))) fail(`${u} has no ${ext} copy`);
}
for (const u of ["index.html", "sw.js"]) for (const ext of [".br", ".gz"]) if (!existsSync(join(dist, u + ext))) fail(`${u} has no ${ext} copy`);
for (const u of urls) if (/\.(br|gz)$/.test(u)) fail(`precache list names a compressed copy: ${u}`);

// The login page loads the shell alone: the entry chunk and what it imports statically must not
// carry the screens that load when opened (Vite's manifest names each chunk's sources).
const manifestFile = join(dist, ".vite", "manifest.json");
const LAZY = [
  "src/features/desk/desk.ts",
  "src/features/desk/map.ts",
  "src/features/desk/people.ts",
  "src/features/desk/subsidy.ts",
  "src/features/dispatch/orders.ts",
  "src/features/report/report.ts",
  "src/features/report/my-reports.ts",
  "src/features/checkin/checkin.ts",
  "src/features/outbox/outbox.ts",
  "src/features/settings/settings.ts",
  "src/features/report/report-detail.ts",
  "src/features/kiosk/shelters.ts",
  "src/features/kiosk/kiosk.ts",
  "src/features/kiosk/checkin-form.ts",
  "src/features/kiosk/present.ts",
  "src/features/kiosk/shelter-form.ts",
  "src/features/equipment/equipment.ts",
  "src/features/training/list.ts",
  "src/features/training/roll.ts",
];
if (!existsSync(manifestFile)) fail("dist/.vite/manifest.json is missing (vite.config.ts build.manifest)");
else {
  const chunks = JSON.parse(readFileSync(manifestFile, "utf8"));
  const entryKey = Object.keys(chunks).find((k) => chunks[k].isEntry);
  const firstLoad = new Set();
  const visit = (k) => {
    if (firstLoad.has(k) || !chunks[k]) return;
    firstLoad.add(k);
    for (const i of chunks[k].imports ?? []) visit(i);
  };
  visit(entryKey);
  // The QR library and its worker load only when the kiosk's scanner opens: no chunk imports
  // them statically (the key is a path into node_modules, which differs between checkouts).
  const qr = Object.keys(chunks).filter((k) => k.includes("node_modules/qr-scanner/"));
  if (!qr.length) fail("no qr-scanner chunk was emitted (the kiosk's scanner imports it)");
  for (const k of qr) {
    if (firstLoad.has(k)) fail(`${k} is in the login page's first load`);
    for (const [name, c] of Object.entries(chunks)) if ((c.imports ?? []).includes(k)) fail(`${name} imports ${k} statically: it must load with import()`);
    if (!urls.has(chunks[k].file)) fail(`${chunks[k].file} (${k}) is not precached: the scanner would not open offline`);
  }
  for (const src of LAZY) {
    if (firstLoad.has(src)) fail(`${src} is in the login page's first load: it must be a lazy import() in main.ts`);
    if (!(chunks[entryKey]?.dynamicImports ?? []).includes(src) && !Object.values(chunks).some((c) => (c.dynamicImports ?? []).includes(src)))
      fail(`${src} is not loaded with import()`);
    else if (chunks[src] && !urls.has(chunks[src].file)) fail(`${chunks[src].file} (${src}) is not precached`);
  }
}

// First paint waits on no file: the boot CSS is inline and no stylesheet link blocks; the brand
// icon (the largest element) is in the HTML, painted before any script runs.
const shell = existsSync(join(dist, "index.html")) ? readFileSync(join(dist, "index.html"), "utf8") : "";
if (!/<style>[^<]*\.boot-screen[^<]*<\/style>/.test(shell)) fail("index.html has no inline boot CSS (src/boot.css)");
if (/<link[^>]+rel="stylesheet"/.test(shell)) fail("index.html has a render-blocking stylesheet link");
if (!/<body>[\s\S]*<img[^>]+src="data:image\/svg\+xml,/.test(shell)) fail("index.html's body has no inline brand icon");

// Tiles seen once are kept for offline use, in a bounded runtime cache.
if (!sw.includes("yjt-map-tiles")) fail("sw.js has no runtime cache for map tiles (yjt-map-tiles)");

const manifestPath = join(dist, "manifest.webmanifest");
if (existsSync(manifestPath)) {
  const m = JSON.parse(readFileSync(manifestPath, "utf8"));
  const expect = { short_name: "应急通", lang: "zh-CN", display: "standalone", start_url: "/", scope: "/" };
  for (const [k, v] of Object.entries(expect)) if (m[k] !== v) fail(`manifest ${k} is ${JSON.stringify(m[k])}, want ${JSON.stringify(v)}`);
  if (!m.name) fail("manifest has no name");
  const sizes = new Set((m.icons ?? []).map((i) => i.sizes));
  for (const s of ["192x192", "512x512"]) if (!sizes.has(s)) fail(`manifest lacks a ${s} icon`);
  if (!(m.icons ?? []).some((i) => String(i.purpose).includes("maskable"))) fail("manifest lacks a maskable icon");
} else {
  fail("dist/manifest.webmanifest does not exist");
}
const html = existsSync(join(dist, "index.html")) ? readFileSync(join(dist, "index.html"), "utf8") : "";
if (!html.includes('rel="manifest"')) fail("index.html does not link the manifest");

if (failures.length) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`OK: dist/sw.js precaches ${urls.size} files, including ${required.join(", ")}`);
