// Build of the field app: plain TS shell plus a hand-written service worker (injectManifest),
// so offline behaviour lives in our code, not in generated config.
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

export default defineConfig({
  build: { outDir: "dist", target: "es2020", sourcemap: false },
  plugins: [
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
