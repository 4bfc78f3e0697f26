// Photos from the camera are 4-12 MB; over two bars of signal that is minutes each. Shrink on the
// phone to a longest side of ~1600 px as JPEG before it is kept, so the upload is ~300 KB.
export const MAX_SIDE = 1600;
export const QUALITY = 0.8;

export interface ShrunkPhoto {
  bytes: ArrayBuffer;
  type: string;
  width: number;
  height: number;
}

function fit(w: number, h: number): { width: number; height: number } {
  const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

async function decode(file: Blob): Promise<{ source: CanvasImageSource; w: number; h: number; close(): void }> {
  if (typeof createImageBitmap === "function") {
    try {
      // from-image: applies the EXIF rotation, so a portrait photo stays upright.
      const bmp = await createImageBitmap(file, { imageOrientation: "from-image" });
      return { source: bmp, w: bmp.width, h: bmp.height, close: () => bmp.close() };
    } catch {
      /* older engines: fall through to an <img> */
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return { source: img, w: img.naturalWidth, h: img.naturalHeight, close: () => URL.revokeObjectURL(url) };
  } catch (err) {
    URL.revokeObjectURL(url);
    throw err;
  }
}

export async function shrinkPhoto(file: Blob): Promise<ShrunkPhoto> {
  const img = await decode(file);
  try {
    const { width, height } = fit(img.w, img.h);
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2d canvas");
    ctx.fillStyle = "#fff"; // a transparent PNG would turn black as JPEG
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(img.source, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
    if (!blob) throw new Error("encode failed");
    return { bytes: await blob.arrayBuffer(), type: "image/jpeg", width, height };
  } finally {
    img.close();
  }
}
