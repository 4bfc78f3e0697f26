import { describe, expect, it } from "vitest";
import { warningTitle } from "./notify";
import { notificationPath } from "../../shared/push-paths";

describe("a warning's notification", () => {
  it("puts the level's word before the title, in the phone's language", () => {
    expect(warningTitle({ level: "red", title: "台风红色预警" }, "zh-CN")).toBe("红色预警：台风红色预警");
    expect(warningTitle({ level: "yellow", title: "Rainstorm" }, "en")).toBe("Yellow warning: Rainstorm");
    // warn-core's push title already leads with the word: kept as it is.
    expect(warningTitle({ level: "red", title: "红色预警发布：第22号台风" }, "zh-CN")).toBe("红色预警发布：第22号台风");
    expect(warningTitle({ level: "red", title: "红色预警发布：第22号台风" }, "en")).toBe("红色预警发布：第22号台风");
    // An unknown level still says it is a warning, never a bare colour or nothing.
    expect(warningTitle({ level: "purple", title: "x" }, "zh-CN")).toBe("预警：x");
  });

  it("opens the warning itself, and never a path made of an odd id", () => {
    const id = "5b0c1c1e-0000-4000-8000-000000000009";
    expect(notificationPath({ type: "warning", id })).toBe(`/warnings/${id}`);
    expect(notificationPath({ type: "warning", id: "../settings" })).toBe("/");
    expect(notificationPath({ type: "warning", id: 3 })).toBe("/");
  });
});
