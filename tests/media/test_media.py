"""Photos: checked by their bytes, stripped of metadata, shown only to who may see the report."""

import io
import uuid

from PIL import Image

from ..sync.helpers import batch, jpeg, report_op

SYNC = "/api/v1/sync"


def _put(client, media_id, body, content_type="image/jpeg"):
    return client.put(f"/api/v1/media/{media_id}", data=body, headers={"Content-Type": content_type})


def test_an_upload_is_stored_once_and_the_same_bytes_again_are_a_no_op(auth):
    member = auth("member1")
    media_id = uuid.uuid4()
    photo = jpeg()
    first = _put(member, media_id, photo)
    assert first.status_code == 201
    assert first.json["content_type"] == "image/jpeg" and first.json["width"] == 64
    assert _put(member, media_id, photo).status_code == 200
    other = _put(member, media_id, jpeg(width=32))
    assert other.status_code == 409 and other.mimetype == "application/problem+json"


def test_the_type_is_read_from_the_bytes_not_the_header(auth):
    member = auth("member1")
    fake = _put(member, uuid.uuid4(), b"<html>not a photo</html>", "image/jpeg")
    assert fake.status_code == 415 and fake.mimetype == "application/problem+json"
    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    labelled_wrong = _put(member, uuid.uuid4(), png.getvalue(), "application/octet-stream")
    assert labelled_wrong.status_code == 201 and labelled_wrong.json["content_type"] == "image/png"
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    assert _put(member, uuid.uuid4(), gif.getvalue(), "image/gif").status_code == 415
    assert _put(member, uuid.uuid4(), b"").status_code == 415


def test_an_image_over_the_limit_is_413(app, auth):
    big = b"\xff\xd8" + b"0" * app.config["MEDIA_MAX_BYTES"]
    resp = _put(auth("member1"), uuid.uuid4(), big)
    assert resp.status_code == 413 and resp.mimetype == "application/problem+json"


def test_location_and_device_metadata_are_stripped_before_serving(auth):
    member = auth("member1")
    media_id = uuid.uuid4()
    original = jpeg(exif_gps=True)
    assert Image.open(io.BytesIO(original)).getexif()  # the phone's photo carries GPS and make
    _put(member, media_id, original)
    with member.get(f"/api/v1/media/{media_id}") as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        assert not Image.open(io.BytesIO(served.data)).getexif()
        assert b"PhoneMaker" not in served.data


def test_a_photo_is_seen_by_whoever_may_see_its_report_and_nobody_else(auth):
    member = auth("member1")
    media_id = uuid.uuid4()
    _put(member, media_id, jpeg())
    # Before any report shows it, only its owner sees it.
    assert auth("town1").get(f"/api/v1/media/{media_id}").status_code == 404
    op = report_op(media_ids=[str(media_id)])
    (result,) = member.post(SYNC, json=batch(op)).json["results"]
    assert result["status"] == "applied" and result["entity"]["media_ids"] == [str(media_id)]
    for desk in ("town1", "duty"):
        with auth(desk).get(f"/api/v1/media/{media_id}") as resp:
            assert resp.status_code == 200
    assert auth("town2").get(f"/api/v1/media/{media_id}").status_code == 404
    assert auth("officer2").get(f"/api/v1/media/{media_id}").status_code == 404


def test_a_report_sent_before_its_photo_waits_for_it(auth):
    member = auth("member2")
    media_id = uuid.uuid4()
    op = report_op(media_ids=[str(media_id)])
    (early,) = member.post(SYNC, json=batch(op)).json["results"]
    assert early["status"] == "rejected"
    assert early["error"]["type"].endswith("/media-missing")
    assert _put(member, media_id, jpeg()).status_code == 201
    (later,) = member.post(SYNC, json=batch(op)).json["results"]
    assert later["status"] == "applied"


def test_someone_elses_photo_cannot_be_attached(auth):
    media_id = uuid.uuid4()
    _put(auth("member3"), media_id, jpeg())
    (result,) = auth("member4").post(SYNC, json=batch(report_op(media_ids=[str(media_id)]))).json["results"]
    assert result["status"] == "rejected"
