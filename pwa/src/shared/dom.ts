// A tiny element builder, so screens read like markup without a framework. Text goes in as
// text nodes only (never innerHTML), so names typed by users cannot inject markup.
type AttrValue = string | number | boolean | null | undefined | EventListener;
export type Attrs = Record<string, AttrValue>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      el.className = String(value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Runs `fn` on each change until `el` has left the page, then unsubscribes itself. */
export function whileAttached<T>(el: Element, subscribe: (fn: (v: T) => void) => () => void, fn: (v: T) => void): void {
  const off = subscribe((v) => {
    if (!el.isConnected) {
      off();
      return;
    }
    fn(v);
  });
}
