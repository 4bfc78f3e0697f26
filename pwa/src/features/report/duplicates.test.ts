import { describe, expect, it } from "vitest";
import { apartWords, distanceWords } from "./duplicates";
import { setLang } from "../../i18n";

describe("near-duplicate measures in words", () => {
  it("says metres under a kilometre, then tenths of a km", () => {
    setLang("zh-CN");
    expect(distanceWords(78.4)).toBe("相距 78 米");
    expect(distanceWords(1530)).toBe("相距 1.5 公里");
    setLang("en");
    expect(distanceWords(199.6)).toBe("200 m away");
  });

  it("says minutes under an hour, hours under two days, then days", () => {
    setLang("zh-CN");
    expect(apartWords(25 * 60)).toBe("相隔 25 分钟");
    expect(apartWords(3 * 3600 + 100)).toBe("相隔 3 小时");
    expect(apartWords(47 * 3600)).toBe("相隔 47 小时");
    expect(apartWords(72 * 3600)).toBe("相隔 3 天");
    setLang("en");
    expect(apartWords(5 * 3600)).toBe("5 hours apart");
  });
});
