"""Checking, cleaning, storing and reading images."""

import hashlib
import io
import os
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import ApiProblem, not_found
from ..extensions import db
from ..regions.service import scope_ids
from .models import Media

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# A phone photo is ~12 Mpx; anything far bigger is a decompression bomb, not a photo.
Image.MAX_IMAGE_PIXELS = 60_000_000


def too_large() -> ApiProblem:
    limit = current_app.config["MEDIA_MAX_BYTES"]
    return ApiProblem(
        413, "payload-too-large", "Image too large", f"Images up to {limit // (1024 * 1024)} MiB."
    )


def not_an_image() -> ApiProblem:
    return ApiProblem(415, "unsupported-media-type", "Not an image", "Send a JPEG, PNG or WebP image.")


def _clean(raw: bytes) -> tuple[bytes, str, int, int]:
    """Decode by content (never by header), apply the EXIF rotation, re-encode without any
    metadata (GPS, device serials)."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            fmt = probe.format
            probe.verify()
        if fmt not in FORMATS:
            raise not_an_image()
        with Image.open(io.BytesIO(raw)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            out = io.BytesIO()
            if fmt == "JPEG":
                img.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            elif fmt == "PNG":
                img.save(out, "PNG", optimize=True)
            else:
                img.save(out, "WEBP", quality=85)
            return out.getvalue(), FORMATS[fmt], img.width, img.height
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise not_an_image() from None


def media_path(media_id: uuid.UUID) -> Path:
    root = Path(current_app.config["MEDIA_ROOT"])
    return root / media_id.hex[:2] / media_id.hex


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".up-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(actor, media_id: uuid.UUID, raw: bytes) -> tuple[Media, bool]:
    """Store an upload; answers (media, created). The same bytes again under the same id are
    a no-op; other bytes under a taken id are a conflict."""
    if len(raw) > current_app.config["MEDIA_MAX_BYTES"]:
        raise too_large()
    if not raw:
        raise not_an_image()
    digest = hashlib.sha256(raw).hexdigest()
    existing = db.session.get(Media, media_id)
    if existing is not None:
        if existing.sha256 == digest and existing.owner_id == actor.id:
            return existing, False
        raise ApiProblem(409, "conflict", "Conflict", "Another image is already stored under this id.")
    cleaned, content_type, width, height = _clean(raw)
    # The file first, then the row: a crash between leaves an orphan file, never a row without one.
    _write_atomically(media_path(media_id), cleaned)
    media = Media(
        id=media_id,
        owner_id=actor.id,
        content_type=content_type,
        sha256=digest,
        size=len(cleaned),
        width=width,
        height=height,
    )
    db.session.add(media)
    db.session.flush()
    return media, True


# The records a photo is attached to live above media (reports); each tells media the regions
# of the records holding a photo, and whoever may read one of those may see it.
_ATTACHMENTS: list = []


def register_attachments(fn) -> None:
    """fn(media_id) -> the region ids of the records the photo is attached to."""
    if fn not in _ATTACHMENTS:
        _ATTACHMENTS.append(fn)


def may_see(actor, media: Media) -> bool:
    if media.owner_id == actor.id:
        return True
    regions = [region for fn in _ATTACHMENTS for region in fn(media.id)]
    return bool(regions) and not scope_ids(actor).isdisjoint(regions)


def readable(actor, media_id: uuid.UUID) -> Media:
    media = db.session.get(Media, media_id)
    if media is None or not may_see(actor, media) or not media_path(media_id).exists():
        raise not_found("image")
    return media


def owned_media(actor, media_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """The ids among `media_ids` that are not (yet) uploaded by `actor`."""
    if not media_ids:
        return []
    found = set(
        db.session.scalars(sa.select(Media.id).where(Media.id.in_(media_ids), Media.owner_id == actor.id))
    )
    return [m for m in media_ids if m not in found]
