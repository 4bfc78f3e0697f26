// Unit tests run in plain Node (fetch, Response and Intl are built in); no PWA plugin needed here.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["tests/unit/**/*.test.ts", "src/**/*.test.ts"],
  },
});
