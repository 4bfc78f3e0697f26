// Unit tests run in plain Node (fetch, Response and Intl are built in); no PWA plugin needed here.
import { defineConfig } from "vitest/config";

// Times are shown in the phone's zone; the tests read them as a phone in China would, whatever
// zone the machine running them is set to.
process.env.TZ = "Asia/Shanghai";

export default defineConfig({
  test: {
    environment: "node",
    include: ["tests/unit/**/*.test.ts", "src/**/*.test.ts"],
  },
});
