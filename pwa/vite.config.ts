// Build of the field app: plain TS shell plus a hand-written service worker (injectManifest),
// so offline behaviour lives in our code, not in generated config.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";

const BOOT_CSS = fileURLToPath(new URL("./src/boot.css", import.meta.url));
const BOOT_MARKER = /<!-- boot-css:[^>]*-->/;
const ICON = fileURLToPath(new URL("./public/icon.svg", import.meta.url));
const BOOT_ICON = /(<div class="boot-screen">\s*<img src=")\/icon\.svg"/;

/** Comments out, whitespace runs shortened; never touches ":" (`.a :focus` is not `.a:focus`). */
function squeezeCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\s+/g, " ")
    .replace(/\s*([{};,])\s*/g, "$1")
    .trim();
}

function squeezeSvg(svg: string): string {
  return svg.replace(/<!--[\s\S]*?-->/g, "").replace(/\s+/g, " ").replace(/>\s+</g, "><").trim();
}

/**
 * First paint waits on no file: src/boot.css (the placeholder, top bar, login, home) and the
 * placeholder's icon go inline into index.html, and the build's stylesheet (the other screens)
 * is fetched at once but applied when it arrives instead of holding back the paint.
 */
function bootCss(): Plugin {
  return {
    name: "yjt-boot-css",
    transformIndexHtml: {
      order: "post",
      handler(html, ctx) {
        if (!BOOT_MARKER.test(html)) throw new Error("index.html lacks the <!-- boot-css --> marker");
        if (!BOOT_ICON.test(html)) throw new Error("index.html lacks the boot placeholder's icon");
        let out = html.replace(BOOT_MARKER, () => `<style>${squeezeCss(readFileSync(BOOT_CSS, "utf8"))}</style>`);
        // The icon (the largest element) inside the HTML itself: painted with the first paint,
        // not one round trip later.
        const icon = `data:image/svg+xml,${encodeURIComponent(squeezeSvg(readFileSync(ICON, "utf8")))}`;
        out = out.replace(BOOT_ICON, (_m, start: string) => `${start}${icon}"`);
        if (ctx.bundle) {
          out = out.replace(
            /<link rel="stylesheet"( crossorigin)? href="([^"]+\.css)">/g,
            (_m, cors: string | undefined, href: string) =>
              `<link rel="preload" as="style"${cors ?? ""} href="${href}" onload="this.onload=null;this.rel='stylesheet'">`,
          );
        }
        return out;
      },
    },
  };
}

export default defineConfig({
  // The manifest (dist/.vite/manifest.json) lets check-precache.mjs see which chunks load at boot.
  build: { outDir: "dist", target: "es2020", sourcemap: false, manifest: true },
  plugins: [
    bootCss(),
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src/sw",
      filename: "sw.ts",
      // src/sw-bridge registers the worker itself, to own the "new version ready" prompt.
      injectRegister: false,
      registerType: "prompt",
      injectManifest: {
        // The plugin adds the manifest and its icons itself; list only what it would not find.
        globPatterns: ["**/*.{js,css,html,svg}", "apple-touch-icon.png"],
      },
      manifest: {
        id: "/",
        name: "应急通 · 县乡应急值守与救援",
        short_name: "应急通",
        description: "县乡应急值守、隐患上报、调度与避难所管理的现场工具",
        lang: "zh-CN",
        dir: "ltr",
        display: "standalone",
        orientation: "portrait",
        start_url: "/",
        scope: "/",
        theme_color: "#1e293b",
        background_color: "#f8fafc",
        icons: [
          { src: "icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
});
