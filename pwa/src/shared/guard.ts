// A step button acts once per intent. A thumb that double-taps must not reach the button that
// replaces the one it tapped: a new step's button stays inert for a moment after it appears, and a
// button whose action is on its way stays disabled until it is done.
export const ARM_MS = 700;

/** Makes `el` inert for `ms` after it is put on the screen (it looks the same, but dimmed). */
export function armLater<T extends HTMLButtonElement>(el: T, ms = ARM_MS): T {
  el.disabled = true;
  el.dataset.arming = "true";
  setTimeout(() => {
    delete el.dataset.arming;
    if (el.dataset.busy !== "true") el.disabled = false;
  }, ms);
  return el;
}

/**
 * Runs `fn` once for a tap on any of `buttons`; they are disabled while it runs, so a second tap
 * during it does nothing. Returns false when a run was already under way.
 */
export async function once(buttons: HTMLButtonElement[], fn: () => Promise<void>): Promise<boolean> {
  if (buttons.some((b) => b.dataset.busy === "true")) return false;
  for (const b of buttons) {
    b.dataset.busy = "true";
    b.disabled = true;
  }
  try {
    await fn();
  } finally {
    for (const b of buttons) {
      delete b.dataset.busy;
      if (b.dataset.arming !== "true") b.disabled = false;
    }
  }
  return true;
}
