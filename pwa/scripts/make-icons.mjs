// Rasterises public/icon.svg into the PNGs the manifest and iOS need. Run once by hand
// (`npm run icons`, needs rsvg-convert from librsvg2-bin); the PNGs are committed so builds need no tool.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const pub = join(dirname(fileURLToPath(import.meta.url)), "..", "public");
const svg = readFileSync(join(pub, "icon.svg"), "utf8");
// Maskable: launchers crop to their own shape, so the background must bleed to the edges.
const maskable = svg.replace(/(<rect id="bg"[^>]*?)\s+rx="\d+"/, "$1");
if (maskable === svg) throw new Error("icon.svg: could not find the rounded background rect");

const tmp = mkdtempSync(join(tmpdir(), "icons-"));
const sources = { plain: join(tmp, "icon.svg"), maskable: join(tmp, "maskable.svg") };
writeFileSync(sources.plain, svg);
writeFileSync(sources.maskable, maskable);

const outputs = [
  ["plain", 192, "icon-192.png"],
  ["plain", 512, "icon-512.png"],
  ["maskable", 512, "icon-maskable-512.png"],
  // iOS rounds the corners itself and shows transparency as black, so it gets the full-bleed one.
  ["maskable", 180, "apple-touch-icon.png"],
];
try {
  for (const [kind, size, name] of outputs) {
    execFileSync("rsvg-convert", ["-w", String(size), "-h", String(size), "-o", join(pub, name), sources[kind]]);
    console.log(`wrote public/${name} (${size}px)`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
