import { beforeEach, describe, expect, it } from "vitest";
import { freshDb } from "../../tests/unit/fake-server";
import { getMeta } from "../data/db";
import { setLang, t, workerLang } from "./index";

beforeEach(() => freshDb());

describe("the service worker's language", () => {
  it("is zh-CN until the page has used one", async () => {
    expect(await workerLang()).toBe("zh-CN");
  });

  it("follows the language the page last used, through IndexedDB", async () => {
    setLang("en");
    await expect.poll(() => getMeta("lang")).toBe("en");
    expect(await workerLang()).toBe("en");
    expect(t("sw.accept", undefined, await workerLang())).toBe("Accept");
    setLang("zh-CN");
    await expect.poll(() => getMeta("lang")).toBe("zh-CN");
    expect(t("sw.accept", undefined, await workerLang())).toBe("接受");
  });
});
