// Reading a receipt's QR code: the camera through BarcodeDetector where the browser has it,
// otherwise through qr-scanner (its code and its worker load only here, when the dialog opens);
// a photo of the code as the last resort, decoded the same way. Nothing is sent from here.
import { h } from "../../shared/dom";
import { t } from "../../i18n";
import { scanRegion } from "./model";

interface Detected {
  rawValue: string;
}
interface Detector {
  detect(source: HTMLVideoElement | ImageBitmap): Promise<Detected[]>;
}
interface DetectorClass {
  new (options: { formats: string[] }): Detector;
  getSupportedFormats?: () => Promise<string[]>;
}

/** BarcodeDetector for QR codes, when this browser has one (Chrome on Android does). */
async function nativeDetector(): Promise<Detector | null> {
  const Cls = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!Cls) return null;
  try {
    const formats = (await Cls.getSupportedFormats?.()) ?? ["qr_code"];
    return formats.includes("qr_code") ? new Cls({ formats: ["qr_code"] }) : null;
  } catch {
    return null;
  }
}

const loadQrScanner = async () => (await import("qr-scanner")).default;

/** The text of the QR code in a photo, or null when none can be read. */
export async function decodePhoto(file: Blob): Promise<string | null> {
  const native = await nativeDetector();
  if (native) {
    try {
      const found = await native.detect(await createImageBitmap(file));
      if (found[0]?.rawValue) return found[0].rawValue;
    } catch {
      /* fall through to the library: some phones' detectors refuse large bitmaps */
    }
  }
  const QrScanner = await loadQrScanner();
  try {
    return (await QrScanner.scanImage(file, { returnDetailedScanResult: true })).data || null;
  } catch {
    return null; // "No QR code found"
  }
}

type CameraTrouble = "denied" | "none" | "failed";

function trouble(err: unknown): CameraTrouble {
  const name = (err as { name?: string } | null)?.name ?? "";
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError" || /camera not found/i.test(String(err))) return "none";
  return "failed";
}

/** The dialog's words, each a receipt's by default (another screen scanning another code names its own). */
export type ScanWord = "title" | "aim" | "photo" | "notReceipt" | "noCode" | "camera.denied" | "camera.none" | "camera.failed";

export interface ScanOptions {
  /** The receipt token in a decoded text, or null: the dialog then says so and keeps scanning. */
  accept: (text: string) => string | null;
  /** Words of the caller's own in place of the receipt's. */
  words?: Partial<Record<ScanWord, string>>;
  /** What to say of a code `accept` refused (default: words.notReceipt). */
  refused?: (text: string) => string;
}

/** Opens the scanner; resolves with the first accepted token, or null when the user cancels. */
export function scanReceipt({ accept, words = {}, refused }: ScanOptions): Promise<string | null> {
  const say = (w: ScanWord) => words[w] ?? t(`kiosk.scan.${w}`);
  return new Promise((resolve) => {
    const video = h("video", { class: "scan-video", muted: true, playsinline: true, autoplay: true, hidden: true });
    video.muted = true;
    const status = h("p", { class: "scan-status", id: "scan-status", role: "status", "aria-live": "polite" }, t("kiosk.scan.opening"));
    const problem = h("p", { class: "form-error", id: "scan-problem", role: "alert" });
    const photo = h("input", { id: "kiosk-photo", type: "file", accept: "image/*", capture: "environment", class: "visually-hidden" });
    const photoBtn = h("label", { for: "kiosk-photo", class: "btn btn-secondary btn-block" }, say("photo"));
    const cancel = h("button", { type: "button", class: "btn btn-secondary btn-block", "data-scan": "cancel" }, t("confirm.cancel"));
    const frame = h("div", { class: "scan-frame" }, video);
    const dialog = h(
      "dialog",
      { class: "confirm-dialog scan-dialog", "aria-labelledby": "scan-title" },
      h("h2", { id: "scan-title", class: "confirm-title" }, say("title")),
      frame,
      status,
      problem,
      h("div", { class: "confirm-actions" }, photo, photoBtn, cancel),
    );

    let done = false;
    let stopCamera = () => {};
    const finish = (token: string | null) => {
      if (done) return;
      done = true;
      stopCamera();
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(token);
    };
    const offer = (text: string | null) => {
      if (done) return true;
      if (text === null) return false;
      const token = accept(text);
      if (token) {
        finish(token);
        return true;
      }
      problem.textContent = refused ? refused(text) : say("notReceipt");
      return false;
    };

    cancel.addEventListener("click", () => finish(null));
    dialog.addEventListener("close", () => finish(null));
    photo.addEventListener("change", async () => {
      const file = photo.files?.[0];
      photo.value = "";
      if (!file) return;
      problem.textContent = "";
      status.textContent = t("kiosk.scan.reading");
      const text = await decodePhoto(file).catch(() => null);
      if (done) return;
      if (text === null) {
        status.textContent = "";
        problem.textContent = say("noCode");
      } else if (!offer(text)) {
        status.textContent = "";
      }
    });

    async function startCamera(): Promise<void> {
      if (!navigator.mediaDevices?.getUserMedia) throw Object.assign(new Error("no camera"), { name: "NotFoundError" });
      const native = await nativeDetector();
      if (native) {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        let timer: ReturnType<typeof setTimeout> | null = null;
        stopCamera = () => {
          if (timer) clearTimeout(timer);
          for (const track of stream.getTracks()) track.stop();
        };
        if (done) return stopCamera();
        video.srcObject = stream;
        await video.play();
        const tick = async () => {
          if (done) return;
          const found = await native.detect(video).catch(() => []);
          if (!found.some((f) => offer(f.rawValue))) timer = setTimeout(() => void tick(), 300);
        };
        void tick();
      } else {
        const QrScanner = await loadQrScanner();
        if (done) return;
        const scanner = new QrScanner(video, (result) => void offer(result.data), {
          returnDetailedScanResult: true,
          preferredCamera: "environment",
          maxScansPerSecond: 4,
          calculateScanRegion: (v) => scanRegion(v.videoWidth, v.videoHeight),
        });
        stopCamera = () => {
          scanner.stop();
          scanner.destroy();
        };
        await scanner.start();
      }
      if (done) return stopCamera();
      video.hidden = false;
      status.textContent = say("aim");
    }

    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
    startCamera().catch((err) => {
      if (done) return;
      stopCamera();
      // No picture to show: the photo is the way now, so it becomes the main button.
      frame.hidden = true;
      photoBtn.classList.replace("btn-secondary", "btn-primary");
      status.textContent = say(`camera.${trouble(err)}`);
    });
  });
}
