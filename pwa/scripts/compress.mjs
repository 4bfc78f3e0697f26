// After `vite build` (and the worker's build): a brotli (max quality) and a gzip copy beside each
// text file in dist/, for the server to send by Accept-Encoding (server/web.py), as nginx's
// brotli_static/gzip_static would. A copy that saves nothing is not written.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

// A build made elsewhere (vite build --outDir DIR) is compressed with `node scripts/compress.mjs DIR`.
const dist = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const TEXT = new Set([".html", ".js", ".mjs", ".css", ".svg", ".webmanifest", ".json", ".txt"]);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let plain = 0;
let brTotal = 0;
for (const path of [...files(dist)]) {
  if (!TEXT.has(extname(path))) continue;
  const raw = readFileSync(path);
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
  if (br.length < raw.length) writeFileSync(`${path}.br`, br);
  if (gz.length < raw.length) writeFileSync(`${path}.gz`, gz);
  plain += raw.length;
  brTotal += Math.min(br.length, raw.length);
  if (process.env.VERBOSE) console.log(`${relative(dist, path)}: ${raw.length} -> br ${br.length}, gz ${gz.length}`);
}
console.log(`compressed dist/: ${(plain / 1024).toFixed(1)} KiB of text, ${(brTotal / 1024).toFixed(1)} KiB as brotli`);
