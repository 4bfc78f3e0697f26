"""PUT and GET of images."""

from flask import Blueprint, current_app, g, request, send_file

from ..core.openapi import doc
from ..core.permissions import requires
from . import service

bp = Blueprint("media", __name__, url_prefix="/api/v1")

IMAGE_BODY = {"type": "string", "contentMediaType": "image/jpeg"}


@bp.put("/media/<uuid:media_id>")
@requires("media.upload")
@doc(
    "Upload an image under an id made on the phone (JPEG, PNG or WebP, checked by content, "
    "≤ 10 MiB): 201, or 200 when these bytes are already stored under it; 413 too large; "
    "415 not an image; 409 other bytes under a taken id",
    body=IMAGE_BODY,
    content_type="application/octet-stream",
    status=201,
    also=(200,),
)
def upload(media_id):
    limit = current_app.config["MEDIA_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise service.too_large()
    raw = request.stream.read(limit + 1)
    media, created = service.store(g.user, media_id, raw)
    return {
        "id": str(media.id),
        "content_type": media.content_type,
        "size": media.size,
        "width": media.width,
        "height": media.height,
    }, (201 if created else 200)


@bp.get("/media/<uuid:media_id>")
@requires("media.read")
@doc("An image, to those who may see a record showing it", response={"type": "string"})
def download(media_id):
    media = service.readable(g.user, media_id)
    resp = send_file(service.media_path(media_id), mimetype=media.content_type, max_age=86400)
    resp.headers["Cache-Control"] = "private, max-age=86400, immutable"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
