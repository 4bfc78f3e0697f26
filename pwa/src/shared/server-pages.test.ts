import { describe, expect, it } from "vitest";
import { NAVIGATION_DENYLIST, isServerPage } from "./server-pages";

const denied = (path: string) => NAVIGATION_DENYLIST.some((re) => re.test(path));

describe("server pages", () => {
  it("are a shelter's public page and what lies under it", () => {
    for (const path of ["/s/ABCD23456", "/s/ABCD23456/r/tok.sig", "/s/ABCD23456/r/tok.sig/qr.png", "/s", "/s/", "/s?x=1"])
      expect(isServerPage(path), path).toBe(true);
  });

  it("are the residents' warning subscription pages", () => {
    for (const path of ["/r", "/r/", "/r/confirm/cAbc", "/r/td/sAbc", "/r?from=qr"]) expect(isServerPage(path), path).toBe(true);
  });

  it("are a warning SMS's one-tap page", () => {
    for (const path of ["/w/tok.sig", "/w/tok.sig?lang=en", "/w"]) expect(isServerPage(path), path).toBe(true);
  });

  it("are not the app's own screens that merely start with s or r", () => {
    for (const path of ["/settings", "/shelters", "/", "/desk/s/1", "/sync", "/warnings", "/warnings/3", "/desk/warnings", "/reports", "/reports/1", "/desk/r"])
      expect(isServerPage(path), path).toBe(false);
  });

  it("are never answered with the shell by the worker, nor are the API and the health check", () => {
    for (const path of ["/s/ABCD23456", "/r/confirm/c1", "/w/tok.sig", "/api/v1/me", "/healthz", "/healthz?x"]) expect(denied(path), path).toBe(true);
    for (const path of ["/", "/settings", "/desk/map", "/orders/1", "/warnings/1"]) expect(denied(path), path).toBe(false);
  });
});
