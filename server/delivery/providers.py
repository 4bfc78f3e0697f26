"""SMS and voice through the two common Chinese providers, behind the interface `channels._gateway`
uses: `send(backend, kind, message_id, to, template, params, timeout) -> bool`, True only when the
provider says it accepted the message. Anything else (its error code, a timeout, a network error, a
redirect, an answer that is not its JSON) is False, so the cascade goes on.

Providers take only pre-approved templates with a registered signature (签名): a provider backend
sends the template's code and its parameters, never our rendered text.

- Aliyun (阿里云): dysmsapi `SendSms` and dyvmsapi `SingleCallByTts` (RPC style, version 2017-05-25),
  signed with the RPC signature version 1.0 (HMAC-SHA1 over the canonicalised parameters). Every
  parameter goes in a form-encoded POST body, so nothing personal is ever part of a URL.
- Tencent Cloud (腾讯云): sms `SendSms` (2021-01-11) and vms `SendTtsVoice` (2020-09-02), JSON
  POSTs signed with TC3-HMAC-SHA256.

Logs carry the message id, the backend and the provider's error code only: never a phone number,
a parameter value or a secret."""

import base64
import hashlib
import hmac
import json
import logging
import re
import string
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import requests
from flask import current_app

log = logging.getLogger(__name__)

# How many characters one template variable may hold, when SMS_/VOICE_PARAM_MAX_CHARS is 0.
# Aliyun: 35 for verification-code and notification templates. Tencent: 12 for the "其他"
# (name, place, ...) variable type, the strictest that our texts (titles, places) fall under.
DEFAULT_PARAM_MAX_CHARS = {"aliyun": 35, "tencent": 12}


# ---- template parameters ----------------------------------------------------------------------


def param_names(key: str) -> list[str]:
    """The ordered parameter names of one of our templates (`dispatch`, `dispatch_voice`, ...):
    TEMPLATE_PARAM_ORDER_JSON's list for it if given, else the names in the order they first
    appear in its MESSAGE_TEMPLATES text. Tencent takes the values in this order; Aliyun takes
    these names as the keys of its JSON object."""
    cfg = current_app.config
    configured = (cfg.get("TEMPLATE_PARAM_ORDER") or {}).get(key)
    if configured is not None:
        return [str(name) for name in configured]
    names: list[str] = []
    for _, field, _, _ in string.Formatter().parse(cfg["MESSAGE_TEMPLATES"].get(key, "")):
        root = re.split(r"[.\[]", field or "", maxsplit=1)[0]
        if root and root not in names:
            names.append(root)
    return names


def clip(value, limit: int) -> str:
    """A parameter value as a provider accepts it: one line, no 【】 (they would read as a second
    signature, and providers refuse them in variables), at most `limit` characters, the last
    one an ellipsis when something was cut."""
    text = " ".join(str(value).split()).replace("【", "[").replace("】", "]")
    if limit > 0 and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def _values(backend: str, kind: str, key: str, params: dict) -> list[tuple[str, str]]:
    limit = current_app.config.get(f"{kind}_PARAM_MAX_CHARS") or DEFAULT_PARAM_MAX_CHARS[backend]
    return [(name, clip(params.get(name, ""), limit)) for name in param_names(key)]


def _code(value) -> str:
    """A provider's status code, fit for a log line (codes are short ASCII words)."""
    return re.sub(r"[^A-Za-z0-9._-]", "", str(value))[:80] or "-"


# ---- phone numbers ----------------------------------------------------------------------------

_MAINLAND = re.compile(r"1[3-9]\d{9}")


def e164(phone: str) -> str:
    """+86... for a mainland mobile however written; other numbers as given, with a +."""
    digits = re.sub(r"[\s\-()]", "", phone or "")
    if _MAINLAND.fullmatch(digits):
        return "+86" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("86") and _MAINLAND.fullmatch(digits[2:]):
        return "+" + digits
    return digits if digits.startswith("+") else "+" + digits


def aliyun_number(phone: str) -> str:
    """Aliyun: a mainland number as its 11 digits; elsewhere country code and number, no +."""
    number = e164(phone)
    return number[3:] if number.startswith("+86") else number[1:]


# ---- Aliyun RPC signature (version 1.0) -------------------------------------------------------


def percent_encode(value: str) -> str:
    """Aliyun's rule: UTF-8, then every byte but A-Z a-z 0-9 - _ . ~ as %XY (space is %20)."""
    return quote(str(value), safe="-_.~")


def aliyun_string_to_sign(method: str, params: dict) -> str:
    canonical = "&".join(
        f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()) if k != "Signature"
    )
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def aliyun_signature(method: str, params: dict, secret: str) -> str:
    digest = hmac.new(
        (secret + "&").encode(), aliyun_string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


# ---- Tencent Cloud TC3-HMAC-SHA256 ------------------------------------------------------------

TC3 = "TC3-HMAC-SHA256"
TENCENT_CONTENT_TYPE = "application/json; charset=utf-8"


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tc3_canonical_request(host: str, payload: bytes, content_type: str = TENCENT_CONTENT_TYPE) -> str:
    """A POST to "/" signing the two required headers, content-type and host."""
    headers = f"content-type:{content_type.strip().lower()}\nhost:{host.strip().lower()}\n"
    return "\n".join(["POST", "/", "", headers, "content-type;host", _sha256_hex(payload)])


def tc3_date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def tc3_string_to_sign(timestamp: int, service: str, canonical_request: str) -> str:
    scope = f"{tc3_date(timestamp)}/{service}/tc3_request"
    return f"{TC3}\n{timestamp}\n{scope}\n{_sha256_hex(canonical_request.encode())}"


def tc3_signature(secret_key: str, timestamp: int, service: str, string_to_sign: str) -> str:
    def mac(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = mac(mac(mac(("TC3" + secret_key).encode(), tc3_date(timestamp)), service), "tc3_request")
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def tc3_authorization(
    secret_id: str, secret_key: str, service: str, host: str, timestamp: int, payload: bytes
) -> str:
    to_sign = tc3_string_to_sign(timestamp, service, tc3_canonical_request(host, payload))
    return (
        f"{TC3} Credential={secret_id}/{tc3_date(timestamp)}/{service}/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={tc3_signature(secret_key, timestamp, service, to_sign)}"
    )


# ---- the two providers ------------------------------------------------------------------------


def _post(kind, backend, message_id, url, data: bytes, headers: dict, timeout) -> tuple[int, dict] | None:
    """POST once, no redirect followed; the answer's status and JSON object, or None."""
    try:
        resp = requests.post(url, data=data, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        log.warning("%s %s via %s: no answer (%s)", kind.lower(), message_id, backend, type(exc).__name__)
        return None
    try:
        answer = resp.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        log.warning("%s %s via %s: HTTP %s, not JSON", kind.lower(), message_id, backend, resp.status_code)
        return None
    return resp.status_code, answer


def _template_code(backend: str, kind: str, message_id: str, template: str) -> str | None:
    code = (current_app.config.get(f"{kind}_TEMPLATE_CODES") or {}).get(template)
    if not code:
        log.warning(
            "%s %s via %s: no provider template code for %r (%s_TEMPLATE_CODES_JSON)",
            kind.lower(),
            message_id,
            backend,
            template,
            kind,
        )
    return str(code) if code else None


class Aliyun:
    """dysmsapi SendSms and dyvmsapi SingleCallByTts; success is the answer's Code "OK"."""

    name = "aliyun"
    VERSION = "2017-05-25"

    def send(self, kind: str, message_id: str, to: str, template: str, params: dict, timeout) -> bool:
        cfg = current_app.config
        code = _template_code(self.name, kind, message_id, template)
        if code is None:
            return False
        key = template if kind == "SMS" else template + "_voice"
        values = json.dumps(dict(_values(self.name, kind, key, params)), ensure_ascii=False)
        if kind == "SMS":
            action, endpoint = "SendSms", cfg["ALIYUN_SMS_ENDPOINT"]
            api = {
                "PhoneNumbers": aliyun_number(to),
                "SignName": cfg["SMS_SIGN_NAME"],
                "TemplateCode": code,
                "TemplateParam": values,
                "OutId": message_id,
            }
        else:
            number = e164(to)
            if not number.startswith("+86"):
                log.warning("voice %s via aliyun: only mainland numbers can be called", message_id)
                return False
            action, endpoint = "SingleCallByTts", cfg["ALIYUN_VOICE_ENDPOINT"]
            api = {
                "CalledNumber": number[3:],
                "TtsCode": code,
                "TtsParam": values,
                "PlayTimes": str(cfg.get("VOICE_PLAY_TIMES", 2)),
                "OutId": message_id,
            }
            if cfg.get("VOICE_CALLER_NUMBER"):
                api["CalledShowNumber"] = cfg["VOICE_CALLER_NUMBER"]  # empty: the shared number pool
        params_ = {
            "Action": action,
            "Version": self.VERSION,
            "Format": "JSON",
            "RegionId": cfg.get("ALIYUN_REGION") or "cn-hangzhou",
            "AccessKeyId": cfg["ALIYUN_ACCESS_KEY_ID"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "SignatureNonce": uuid.uuid4().hex,
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **api,
        }
        params_["Signature"] = aliyun_signature("POST", params_, cfg["ALIYUN_ACCESS_KEY_SECRET"])
        body = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params_.items())
        answer = _post(
            kind,
            self.name,
            message_id,
            endpoint.rstrip("/") + "/",
            body.encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            timeout,
        )
        if answer is None:
            return False
        status, data = answer
        if status == 200 and data.get("Code") == "OK":
            return True
        log.warning(
            "%s %s via aliyun refused: HTTP %s, %s", kind.lower(), message_id, status, _code(data.get("Code"))
        )
        return False


class Tencent:
    """sms SendSms (SendStatusSet[0].Code "Ok") and vms SendTtsVoice (a SendStatus with a CallId),
    each with no Response.Error."""

    name = "tencent"
    APIS = {
        "SMS": ("sms", "SendSms", "2021-01-11", "TENCENT_SMS_ENDPOINT"),
        "VOICE": ("vms", "SendTtsVoice", "2020-09-02", "TENCENT_VOICE_ENDPOINT"),
    }

    def send(self, kind: str, message_id: str, to: str, template: str, params: dict, timeout) -> bool:
        cfg = current_app.config
        code = _template_code(self.name, kind, message_id, template)
        if code is None:
            return False
        service, action, version, endpoint_key = self.APIS[kind]
        key = template if kind == "SMS" else template + "_voice"
        values = [value for _, value in _values(self.name, kind, key, params)]
        if kind == "SMS":
            payload = {
                "PhoneNumberSet": [e164(to)],
                "SmsSdkAppId": cfg["TENCENT_SMS_APP_ID"],
                "SignName": cfg["SMS_SIGN_NAME"],
                "TemplateId": code,
                "TemplateParamSet": values,
                "SessionContext": message_id,
            }
        else:
            payload = {
                "TemplateId": code,
                "TemplateParamSet": values,
                "CalledNumber": e164(to),
                "VoiceSdkAppid": cfg["TENCENT_VOICE_APP_ID"],
                "PlayTimes": int(cfg.get("VOICE_PLAY_TIMES", 2)),
                "SessionContext": message_id,
            }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        endpoint = cfg[endpoint_key].rstrip("/") + "/"
        host = urlsplit(endpoint).netloc
        timestamp = int(time.time())
        headers = {
            "Authorization": tc3_authorization(
                cfg["TENCENT_SECRET_ID"], cfg["TENCENT_SECRET_KEY"], service, host, timestamp, body
            ),
            "Content-Type": TENCENT_CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": action,
            "X-TC-Version": version,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": cfg.get("TENCENT_REGION") or "ap-guangzhou",
        }
        answer = _post(kind, self.name, message_id, endpoint, body, headers, timeout)
        if answer is None:
            return False
        status, data = answer
        response = data.get("Response") if isinstance(data.get("Response"), dict) else {}
        error = response.get("Error")
        if status == 200 and not error:
            if kind == "SMS":
                sent = response.get("SendStatusSet") or [{}]
                result = sent[0].get("Code") if isinstance(sent[0], dict) else None
                if result == "Ok":
                    return True
            else:
                sent = response.get("SendStatus")
                result = "no CallId"
                if isinstance(sent, dict) and sent.get("CallId"):
                    return True
        else:
            result = error.get("Code") if isinstance(error, dict) else "no Response"
        log.warning("%s %s via tencent refused: HTTP %s, %s", kind.lower(), message_id, status, _code(result))
        return False


BACKENDS = {"aliyun": Aliyun(), "tencent": Tencent()}


def send(backend: str, kind: str, message_id: str, to: str, template: str, params: dict, timeout) -> bool:
    return BACKENDS[backend].send(kind, message_id, to, template, params, timeout)
