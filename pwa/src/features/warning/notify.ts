// A warning push as a notification, without DOM (the service worker uses it): the level in words
// first in the title (红色预警：…), so the colour is never the only sign, and the path a tap opens.
import { hasKey, t, type Lang } from "../../i18n";

export interface WarningPush {
  id?: unknown;
  title?: string;
  level?: string;
}

export function warningTitle(p: WarningPush, lang: Lang): string {
  const key = `warning.level.${p.level ?? ""}`;
  const level = hasKey(key) ? t(key, undefined, lang) : t("tile.warnings", undefined, lang);
  const title = p.title ?? "";
  // The server's own title already leads with the word (红色预警发布：…): not said twice.
  if (hasKey(key) && (title.startsWith(t(key, undefined, "zh-CN")) || title.startsWith(level))) return title;
  return t("sw.warningTitle", { level, title }, lang);
}
