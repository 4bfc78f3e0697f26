"""Building ops the way the phone does."""

import io
import uuid

AT = "2026-11-29T08:00:00+08:00"


def report_op(**data):
    body = {
        "id": str(uuid.uuid4()),
        "category": "geological",
        "description": "村口山体有裂缝，雨后扩大",
        "location": {"lat": 25.056, "lon": 116.442},
        "severity": "orange",
        "people_at_risk": 12,
    }
    body.update(data)
    return {"op_id": str(uuid.uuid4()), "type": "report.create", "at": AT, "data": body}


def checkin_op(checkin_id=None, **data):
    body = {"id": checkin_id or str(uuid.uuid4()), "location": {"lat": 25.05, "lon": 116.42}}
    body.update(data)
    return {"op_id": str(uuid.uuid4()), "type": "attendance.checkin", "at": AT, "data": body}


def checkout_op(checkin_id):
    return {
        "op_id": str(uuid.uuid4()),
        "type": "attendance.checkout",
        "at": "2026-11-29T10:30:00+08:00",
        "data": {"id": checkin_id},
    }


def batch(*ops, device="3f0c5a52-5d35-4a4e-9d0e-2b7f0f6a9d11"):
    return {"device_id": device, "ops": list(ops)}


def jpeg(width=64, height=48, exif_gps=False) -> bytes:
    from PIL import Image

    img = Image.new("RGB", (width, height), (200, 80, 30))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {2: (25.0, 3.0, 0.0)}  # GPSInfo: latitude
        img.save(out, "JPEG", exif=exif)
    else:
        img.save(out, "JPEG")
    return out.getvalue()
