"""SMS and voice through Aliyun and Tencent Cloud.

First the providers' own published signature examples, reproduced byte for byte: they are what
proves the signing right. Then loopback stand-ins for each provider's endpoint, written here,
that check every request's signature with the test secret (by their own code, not the server's)
and answer success or the provider's error JSON."""

import hashlib
import hmac
import json
import logging
import re
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

from server.config import ProductionConfig, check_production
from server.core.models import utcnow
from server.delivery import channels, providers

from .test_cascade import _dispatch, _line, _phone, _run

ALIYUN_ID, ALIYUN_SECRET = "LTAI-test-id", "aliyun-test-secret"
TENCENT_ID, TENCENT_KEY = "AKID-test-id", "tencent-test-key"
PHONE = "+8613912345678"
SIGN = "应急通"


# ---- the published examples -------------------------------------------------------------------

# Alibaba Cloud, "Request signature" for RPC APIs (signature version 1.0): DescribeRegions signed
# with AccessKeyId "testid" and AccessKeySecret "testsecret" (HMAC key "testsecret&").
DESCRIBE_REGIONS = {
    "Timestamp": "2016-02-23T12:46:24Z",
    "Format": "XML",
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "Version": "2014-05-26",
    "SignatureVersion": "1.0",
}


def test_aliyun_signature_reproduces_the_published_describe_regions_example():
    assert providers.aliyun_string_to_sign("GET", DESCRIBE_REGIONS) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    )
    assert providers.aliyun_signature("GET", DESCRIBE_REGIONS, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    # The older edition of the same page spells the parameter "TimeStamp"; its published result
    # is the signature every "Signature mechanism" page shows in its sample URL.
    older = {("TimeStamp" if k == "Timestamp" else k): v for k, v in DESCRIBE_REGIONS.items()}
    assert providers.aliyun_signature("GET", older, "testsecret") == "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_aliyun_signature_reproduces_the_sms_docs_sendsms_example():
    # Aliyun SMS docs (HTTP protocol and signature): SendSms with "testId" / "testSecret".
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert providers.aliyun_string_to_sign("GET", params) == (
        "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123"
        "%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF"
        "%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF"
        "%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce"
        "%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode"
        "%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D"
        "%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25"
    )
    assert providers.aliyun_signature("GET", params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    # A Signature already among the parameters takes no part in its own calculation.
    assert providers.aliyun_signature("GET", {**params, "Signature": "x"}, "testSecret") == (
        "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    )


def test_aliyun_percent_encoding_rules():
    assert providers.percent_encode("a b*c~d-_.") == "a%20b%2Ac~d-_."
    assert providers.percent_encode("/=&+:") == "%2F%3D%26%2B%3A"
    assert providers.percent_encode("派") == "%E6%B4%BE"


def test_tc3_reproduces_tencent_clouds_published_example():
    # Tencent Cloud API 3.0 "Signature v3": DescribeInstances on cvm, POST, X-TC-Timestamp
    # 1551113065, SecretKey "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE".
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    assert hashlib.sha256(payload).hexdigest() == (
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    canonical = providers.tc3_canonical_request("cvm.tencentcloudapi.com", payload)
    assert canonical == (
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
        "content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    to_sign = providers.tc3_string_to_sign(1551113065, "cvm", canonical)
    assert to_sign == (
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    )
    assert providers.tc3_signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", 1551113065, "cvm", to_sign) == (
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )
    assert providers.tc3_authorization(
        "AKID**********************0123456789EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        "cvm",
        "cvm.tencentcloudapi.com",
        1551113065,
        payload,
    ) == (
        "TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/"
        "tc3_request, SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


# ---- loopback stand-ins for the providers' endpoints -----------------------------------------

UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def _aliyun_encode(text: str) -> str:
    return "".join(chr(b) if b in UNRESERVED else f"%{b:02X}" for b in text.encode())


def aliyun_expected_signature(method: str, params: dict, secret: str) -> str:
    """What Aliyun computes, written from its doc, not from the server's code."""
    import base64

    query = "&".join(f"{_aliyun_encode(k)}={_aliyun_encode(params[k])}" for k in sorted(params))
    to_sign = f"{method}&%2F&{_aliyun_encode(query)}"
    return base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


def tencent_expected_signature(headers, body: bytes, secret_key: str) -> tuple[str, str, str]:
    """(service, date, signature) as Tencent computes them from the received request."""
    auth = headers["Authorization"]
    m = re.fullmatch(
        r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/(\w+)/tc3_request, "
        r"SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})",
        auth,
    )
    assert m, auth
    _, date, service, signed, _ = m.groups()
    canonical_headers = "".join(f"{name}:{headers[name].strip().lower()}\n" for name in signed.split(";"))
    canonical = "\n".join(["POST", "/", "", canonical_headers, signed, hashlib.sha256(body).hexdigest()])
    timestamp = headers["X-TC-Timestamp"]
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            timestamp,
            f"{date}/{service}/tc3_request",
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = f"TC3{secret_key}".encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return service, date, hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class StandIn:
    """One provider's endpoint on loopback. `answer`: ok | refuse | redirect | garbage;
    `delay`: seconds to wait before answering."""

    def __init__(self, provider: str):
        self.provider, self.requests, self.answer, self.delay = provider, [], "ok", 0.0

    def start(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, payload, extra = stand_in.respond(self.path, self.headers, body)
                if stand_in.delay:
                    time.sleep(stand_in.delay)
                raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def respond(self, path, headers, body):
        if self.provider == "aliyun":
            return self._aliyun(path, headers, body)
        return self._tencent(path, headers, body)

    def _aliyun(self, path, headers, body):
        params = dict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True))
        self.requests.append({"path": path, "headers": dict(headers), "params": dict(params)})
        request_id = str(uuid.uuid4()).upper()
        signature = params.pop("Signature", "")
        if (
            headers.get("Content-Type", "").split(";")[0] != "application/x-www-form-urlencoded"
            or params.get("AccessKeyId") != ALIYUN_ID
            or params.get("SignatureMethod") != "HMAC-SHA1"
            or params.get("SignatureVersion") != "1.0"
            or not params.get("SignatureNonce")
            or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", params.get("Timestamp", ""))
            or not hmac.compare_digest(signature, aliyun_expected_signature("POST", params, ALIYUN_SECRET))
        ):
            return (
                400,
                {
                    "Code": "SignatureDoesNotMatch",
                    "Message": "Specified signature is not matched with our calculation.",
                    "RequestId": request_id,
                },
                {},
            )
        if self.answer == "redirect":
            return 302, b"", {"Location": self.url + "/elsewhere"}
        if self.answer == "garbage":
            return 200, b"<html>busy</html>", {"Content-Type": "text/html"}
        if self.answer == "refuse":
            return (
                200,
                {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发天级流控", "RequestId": request_id},
                {},
            )
        if params["Action"] == "SendSms":
            return (
                200,
                {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": request_id},
                {},
            )
        return (
            200,
            {"Code": "OK", "Message": "OK", "CallId": "116012854210^102814", "RequestId": request_id},
            {},
        )

    def _tencent(self, path, headers, body):
        data = json.loads(body)
        self.requests.append({"path": path, "headers": dict(headers), "body": data})
        request_id = str(uuid.uuid4())
        service, date, expected = tencent_expected_signature(headers, body, TENCENT_KEY)
        timestamp = int(headers["X-TC-Timestamp"])
        signature = headers["Authorization"].rsplit("Signature=", 1)[1]
        if (
            f"Credential={TENCENT_ID}/" not in headers["Authorization"]
            or date != datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
            or abs(time.time() - timestamp) > 300
            or service != {"SendSms": "sms", "SendTtsVoice": "vms"}.get(headers["X-TC-Action"])
            or not hmac.compare_digest(signature, expected)
        ):
            error = {
                "Code": "AuthFailure.SignatureFailure",
                "Message": "The provided credentials could not be validated.",
            }
            return 200, {"Response": {"Error": error, "RequestId": request_id}}, {}
        if self.answer == "redirect":
            return 302, b"", {"Location": self.url + "/elsewhere"}
        if self.answer == "garbage":
            return 200, b"<html>busy</html>", {"Content-Type": "text/html"}
        if headers["X-TC-Action"] == "SendSms":
            code = "Ok" if self.answer == "ok" else "LimitExceeded.PhoneNumberDailyLimit"
            status = {
                "SerialNo": "2645:322671928616700870113412612",
                "PhoneNumber": data["PhoneNumberSet"][0],
                "Fee": 1,
                "SessionContext": data.get("SessionContext", ""),
                "Code": code,
                "Message": "send success"
                if code == "Ok"
                else "the number of SMS messages sent daily exceeds",
                "IsoCode": "CN",
            }
            return 200, {"Response": {"SendStatusSet": [status], "RequestId": request_id}}, {}
        if self.answer == "refuse":
            error = {
                "Code": "FailedOperation.TemplateIncorrectOrUnapproved",
                "Message": "template not approved",
            }
            return 200, {"Response": {"Error": error, "RequestId": request_id}}, {}
        sent = {
            "CallId": "12582bce-403c-11eb-96b8-525400476c37",
            "SessionContext": data.get("SessionContext", ""),
        }
        return 200, {"Response": {"SendStatus": sent, "RequestId": request_id}}, {}


PROVIDER_KEYS = (
    "SMS_BACKEND",
    "VOICE_BACKEND",
    "SMS_SIGN_NAME",
    "SMS_TEMPLATE_CODES",
    "VOICE_TEMPLATE_CODES",
    "TEMPLATE_PARAM_ORDER",
    "SMS_PARAM_MAX_CHARS",
    "VOICE_PARAM_MAX_CHARS",
    "VOICE_CALLER_NUMBER",
    "ALIYUN_ACCESS_KEY_ID",
    "ALIYUN_ACCESS_KEY_SECRET",
    "ALIYUN_SMS_ENDPOINT",
    "ALIYUN_VOICE_ENDPOINT",
    "TENCENT_SECRET_ID",
    "TENCENT_SECRET_KEY",
    "TENCENT_SMS_APP_ID",
    "TENCENT_VOICE_APP_ID",
    "TENCENT_SMS_ENDPOINT",
    "TENCENT_VOICE_ENDPOINT",
)


@pytest.fixture()
def stand_ins(app):
    """Both providers on loopback, the app's settings pointing at them (SMS and voice through
    Aliyun unless a test says otherwise); everything put back after."""
    saved = {k: app.config[k] for k in PROVIDER_KEYS}
    aliyun, tencent = StandIn("aliyun").start(), StandIn("tencent").start()
    app.config.update(
        SMS_BACKEND="aliyun",
        VOICE_BACKEND="aliyun",
        SMS_SIGN_NAME=SIGN,
        SMS_TEMPLATE_CODES={"dispatch": "SMS_DISPATCH", "alert": "SMS_ALERT"},
        VOICE_TEMPLATE_CODES={"dispatch": "TTS_DISPATCH", "alert": "TTS_ALERT"},
        TEMPLATE_PARAM_ORDER={},
        SMS_PARAM_MAX_CHARS=0,
        VOICE_PARAM_MAX_CHARS=0,
        VOICE_CALLER_NUMBER="05712345678",
        ALIYUN_ACCESS_KEY_ID=ALIYUN_ID,
        ALIYUN_ACCESS_KEY_SECRET=ALIYUN_SECRET,
        ALIYUN_SMS_ENDPOINT=aliyun.url,
        ALIYUN_VOICE_ENDPOINT=aliyun.url,
        TENCENT_SECRET_ID=TENCENT_ID,
        TENCENT_SECRET_KEY=TENCENT_KEY,
        TENCENT_SMS_APP_ID="1400000001",
        TENCENT_VOICE_APP_ID="1400000002",
        TENCENT_SMS_ENDPOINT=tencent.url,
        TENCENT_VOICE_ENDPOINT=tencent.url,
    )
    yield {"aliyun": aliyun, "tencent": tencent}
    app.config.update(saved)
    aliyun.stop()
    tencent.stop()


def _sms(app, template="dispatch", params=None, to=PHONE, message_id="m-1"):
    params = params or {"title": "河堤管涌抢险", "muster": "临城镇政府大院"}
    with app.app_context():
        return channels.send_sms(message_id, to, template, params)


def _call(app, template="dispatch", params=None, to=PHONE, message_id="m-1-v"):
    params = params or {"title": "河堤管涌抢险", "muster": "临城镇政府大院"}
    with app.app_context():
        return channels.call_voice(message_id, to, template, params)


# ---- Aliyun -----------------------------------------------------------------------------------


def test_aliyun_sms_is_a_signed_sendsms_with_the_template_code_and_named_parameters(app, stand_ins):
    assert _sms(app) is True
    (req,) = stand_ins["aliyun"].requests
    p = req["params"]
    assert req["path"] == "/"  # every parameter in the POST body: nothing personal in a URL
    assert (p["Action"], p["Version"], p["Format"], p["RegionId"]) == (
        "SendSms",
        "2017-05-25",
        "JSON",
        "cn-hangzhou",
    )
    assert p["PhoneNumbers"] == "13912345678"  # mainland: no +86
    assert (p["SignName"], p["TemplateCode"], p["OutId"]) == (SIGN, "SMS_DISPATCH", "m-1")
    assert json.loads(p["TemplateParam"]) == {"title": "河堤管涌抢险", "muster": "临城镇政府大院"}


def test_aliyun_voice_is_a_signed_singlecallbytts(app, stand_ins):
    assert _call(app, "alert", {"title": "水位超警", "detail": "南岸堤段"}) is True
    p = stand_ins["aliyun"].requests[0]["params"]
    assert (p["Action"], p["Version"]) == ("SingleCallByTts", "2017-05-25")
    assert (p["CalledNumber"], p["CalledShowNumber"], p["TtsCode"], p["OutId"]) == (
        "13912345678",
        "05712345678",
        "TTS_ALERT",
        "m-1-v",
    )
    assert json.loads(p["TtsParam"]) == {"title": "水位超警", "detail": "南岸堤段"}  # alert_voice's names


def test_aliyun_error_codes_a_wrong_secret_and_odd_answers_are_false(app, stand_ins):
    aliyun = stand_ins["aliyun"]
    aliyun.answer = "refuse"
    assert _sms(app) is False and _call(app) is False
    aliyun.answer = "garbage"
    assert _sms(app) is False
    aliyun.answer = "redirect"
    assert _sms(app) is False
    assert all(r["path"] == "/" for r in aliyun.requests)  # the redirect was not followed
    aliyun.answer = "ok"
    app.config["ALIYUN_ACCESS_KEY_SECRET"] = "not-the-secret"
    assert _sms(app) is False  # SignatureDoesNotMatch, HTTP 400
    app.config["ALIYUN_ACCESS_KEY_SECRET"] = ALIYUN_SECRET
    assert _sms(app) is True


def test_aliyun_voice_calls_mainland_numbers_only(app, stand_ins):
    assert _call(app, to="+85261234567") is False
    assert stand_ins["aliyun"].requests == []
    assert _sms(app, to="+85261234567") is True
    assert stand_ins["aliyun"].requests[0]["params"]["PhoneNumbers"] == "85261234567"


# ---- Tencent ----------------------------------------------------------------------------------


def test_tencent_sms_is_a_tc3_signed_sendsms_with_the_parameters_in_order(app, stand_ins):
    app.config.update(SMS_BACKEND="tencent")
    assert _sms(app, to="13912345678") is True
    (req,) = stand_ins["tencent"].requests
    h = req["headers"]
    assert (h["X-TC-Action"], h["X-TC-Version"], h["X-TC-Region"]) == (
        "SendSms",
        "2021-01-11",
        "ap-guangzhou",
    )
    assert req["body"] == {
        "PhoneNumberSet": [PHONE],  # E.164 with +86
        "SmsSdkAppId": "1400000001",
        "SignName": SIGN,
        "TemplateId": "SMS_DISPATCH",
        "TemplateParamSet": ["河堤管涌抢险", "临城镇政府大院"],  # dispatch's order: title, muster
        "SessionContext": "m-1",
    }


def test_tencent_voice_is_a_tc3_signed_sendttsvoice(app, stand_ins):
    app.config.update(VOICE_BACKEND="tencent")
    assert _call(app) is True
    (req,) = stand_ins["tencent"].requests
    assert (req["headers"]["X-TC-Action"], req["headers"]["X-TC-Version"]) == ("SendTtsVoice", "2020-09-02")
    body = req["body"]
    assert (body["TemplateId"], body["CalledNumber"], body["VoiceSdkAppid"]) == (
        "TTS_DISPATCH",
        PHONE,
        "1400000002",
    )
    assert (
        body["TemplateParamSet"] == ["河堤管涌抢险", "临城镇政府大院"] and body["SessionContext"] == "m-1-v"
    )


def test_tencent_errors_a_failed_send_status_and_a_wrong_key_are_false(app, stand_ins):
    app.config.update(SMS_BACKEND="tencent", VOICE_BACKEND="tencent")
    tencent = stand_ins["tencent"]
    tencent.answer = "refuse"
    assert _sms(app) is False  # SendStatusSet[0].Code is LimitExceeded.PhoneNumberDailyLimit
    assert _call(app) is False  # Response.Error
    tencent.answer = "redirect"
    assert _sms(app) is False
    tencent.answer = "garbage"
    assert _call(app) is False
    tencent.answer = "ok"
    app.config["TENCENT_SECRET_KEY"] = "not-the-key"
    assert _sms(app) is False and _call(app) is False  # AuthFailure.SignatureFailure
    app.config["TENCENT_SECRET_KEY"] = TENCENT_KEY
    assert _sms(app) is True and _call(app) is True


# ---- what both share --------------------------------------------------------------------------


def test_a_timeout_or_an_unreachable_provider_is_false(app, stand_ins, monkeypatch):
    monkeypatch.setattr(channels, "GATEWAY_TIMEOUT_S", 0.3)
    stand_ins["aliyun"].delay = stand_ins["tencent"].delay = 1.0
    started = time.monotonic()
    assert _sms(app) is False
    app.config.update(VOICE_BACKEND="tencent")
    assert _call(app) is False
    assert time.monotonic() - started < 1.8
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    app.config.update(ALIYUN_SMS_ENDPOINT=closed, TENCENT_VOICE_ENDPOINT=closed)
    assert _sms(app) is False and _call(app) is False


def test_a_template_without_a_provider_code_is_not_sent(app, stand_ins):
    app.config.update(SMS_TEMPLATE_CODES={"alert": "SMS_ALERT"})
    assert _sms(app) is False
    assert stand_ins["aliyun"].requests == []


def test_parameter_order_is_configurable_and_values_are_clipped_to_the_providers_limits(app, stand_ins):
    long_title = (
        "上杭县临城镇河堤管涌险情紧急抢险调度任务【请立即集合】，全体队员携带救生衣、铁锹、编织袋到场\n第二行"
    )
    params = {"title": long_title, "muster": "临城镇政府大院", "unused": "x"}
    assert _sms(app, params=params) is True
    aliyun_values = json.loads(stand_ins["aliyun"].requests[0]["params"]["TemplateParam"])
    assert set(aliyun_values) == {"title", "muster"}  # only the template's own names
    assert len(aliyun_values["title"]) == 35 and aliyun_values["title"].endswith("…")
    assert "【" not in aliyun_values["title"] and "\n" not in aliyun_values["title"]

    app.config.update(SMS_BACKEND="tencent", TEMPLATE_PARAM_ORDER={"dispatch": ["muster", "title"]})
    assert _sms(app, params=params) is True
    values = stand_ins["tencent"].requests[0]["body"]["TemplateParamSet"]
    assert values[0] == "临城镇政府大院" and len(values[1]) == 12 and values[1].endswith("…")

    app.config.update(SMS_PARAM_MAX_CHARS=20)
    assert _sms(app, params=params) is True
    assert len(stand_ins["tencent"].requests[1]["body"]["TemplateParamSet"][1]) == 20


def test_phone_numbers_as_each_provider_wants_them():
    for written in ("13912345678", "+8613912345678", "8613912345678", "008613912345678", "139 1234 5678"):
        assert providers.e164(written) == PHONE
        assert providers.aliyun_number(written) == "13912345678"
    assert providers.e164("+85261234567") == "+85261234567"
    assert providers.aliyun_number("+85261234567") == "85261234567"


def test_nothing_personal_or_secret_is_logged(app, stand_ins, caplog):
    caplog.set_level(logging.DEBUG)  # urllib3's request lines included
    params = {"title": "河堤管涌抢险", "muster": "临城镇政府大院"}
    assert _sms(app, params=params) is True
    stand_ins["aliyun"].answer = "refuse"
    assert _sms(app, params=params) is False and _call(app, params=params) is False
    app.config.update(SMS_BACKEND="tencent", VOICE_BACKEND="tencent")
    assert _sms(app, params=params) is True
    stand_ins["tencent"].answer = "refuse"
    assert _sms(app, params=params) is False and _call(app, params=params) is False
    app.config["TENCENT_SECRET_KEY"] = "not-the-key"
    assert _sms(app, params=params) is False
    text = caplog.text
    assert "refused" in text and "isv.BUSINESS_LIMIT_CONTROL" in text  # the provider's code is kept
    for private in ("13912345678", "河堤", "临城镇", ALIYUN_SECRET, TENCENT_KEY, "not-the-key"):
        assert private not in text, private


# ---- end to end: a dispatch through the cascade ----------------------------------------------


def test_a_dispatch_goes_by_aliyun_sms_then_a_tencent_call(app, auth, ids, stand_ins):
    app.config.update(VOICE_BACKEND="tencent")
    order = _dispatch(auth, ids, "member1")
    phone = _phone(auth, ids, "member1")
    now = utcnow()
    assert _run(app, now) == 1
    (sms,) = stand_ins["aliyun"].requests
    p = sms["params"]
    assert p["Action"] == "SendSms" and p["PhoneNumbers"] == phone.removeprefix("+86")
    assert p["TemplateCode"] == "SMS_DISPATCH"
    assert json.loads(p["TemplateParam"]) == {"title": "河堤管涌抢险", "muster": "临城镇政府大院"}
    assert _line(auth, order, "member1", ids)["delivery"]["state"] == "sms_sent"

    _run(app, now + timedelta(seconds=181))
    (call,) = stand_ins["tencent"].requests
    assert call["headers"]["X-TC-Action"] == "SendTtsVoice"
    assert call["body"]["CalledNumber"] == phone and call["body"]["SessionContext"] == p["OutId"] + "-v"
    assert call["body"]["TemplateParamSet"] == ["河堤管涌抢险", "临城镇政府大院"]
    delivery = _line(auth, order, "member1", ids)["delivery"]
    assert delivery["state"] == "called"
    assert [(a["channel"], a["state"]) for a in delivery["attempts"]] == [
        ("sms", "sent"),
        ("voice", "called"),
    ]


def test_a_refused_provider_sms_moves_the_cascade_on_to_the_call(app, auth, ids, stand_ins):
    stand_ins["aliyun"].answer = "refuse"
    app.config.update(VOICE_BACKEND="tencent")
    order = _dispatch(auth, ids, "member2")
    now = utcnow()
    _run(app, now)
    _run(app, now)  # no wait after a failed SMS
    delivery = _line(auth, order, "member2", ids)["delivery"]
    assert [(a["channel"], a["state"]) for a in delivery["attempts"]] == [
        ("sms", "failed"),
        ("voice", "called"),
    ]


# ---- production refuses to start half configured ---------------------------------------------


def _production(**overrides) -> dict:
    cfg = {k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper()}
    cfg.update(VAPID_PRIVATE_KEY="configured", SECRET_KEY="s" * 40, JWT_SECRET_KEY="j" * 40)
    cfg.update(overrides)
    return cfg


ALIYUN_SMS = {
    "SMS_BACKEND": "aliyun",
    "ALIYUN_ACCESS_KEY_ID": "id",
    "ALIYUN_ACCESS_KEY_SECRET": "secret",
    "SMS_SIGN_NAME": SIGN,
    # Residents' code and warning SMS (server/residents) need approved templates too.
    "SMS_TEMPLATE_CODES": {
        "dispatch": "SMS_1",
        "alert": "SMS_2",
        "warning": "SMS_3",
        "warning_notice": "SMS_4",
        "resident_code": "SMS_5",
        "resident_warning": "SMS_6",
    },
}
TENCENT_VOICE = {
    "VOICE_BACKEND": "tencent",
    "TENCENT_SECRET_ID": "id",
    "TENCENT_SECRET_KEY": "key",
    "TENCENT_VOICE_APP_ID": "1400000002",
    "VOICE_TEMPLATE_CODES": {"dispatch": "101", "alert": "102", "warning": "103", "warning_notice": "104"},
}


def test_production_checks_provider_settings_at_start():
    check_production(_production(**ALIYUN_SMS, **TENCENT_VOICE))  # complete: starts
    cases = [
        (
            {"SMS_BACKEND": "aliyun"},
            "SMS_BACKEND=aliyun needs ALIYUN_ACCESS_KEY_ID, ALIYUN_ACCESS_KEY_SECRET",
        ),
        ({**ALIYUN_SMS, "SMS_SIGN_NAME": ""}, "SMS_BACKEND=aliyun needs SMS_SIGN_NAME"),
        (
            {**ALIYUN_SMS, "SMS_TEMPLATE_CODES": {"dispatch": "SMS_1"}},
            "SMS_TEMPLATE_CODES_JSON with the provider's approved template code for: alert",
        ),
        ({**TENCENT_VOICE, "TENCENT_VOICE_APP_ID": ""}, "VOICE_BACKEND=tencent needs TENCENT_VOICE_APP_ID"),
        ({**TENCENT_VOICE, "VOICE_TEMPLATE_CODES": {}}, "template code for: alert, dispatch"),
        (
            {"SMS_BACKEND": "tencent", "TENCENT_SECRET_ID": "id"},
            "TENCENT_SECRET_KEY, TENCENT_SMS_APP_ID, SMS_SIGN_NAME",
        ),
        (
            {**ALIYUN_SMS, "ALIYUN_SMS_ENDPOINT": "http://dysmsapi.aliyuncs.com"},
            "ALIYUN_SMS_ENDPOINT must be an https",
        ),
        ({**ALIYUN_SMS, "TEMPLATE_PARAM_ORDER": {"dispatch": "title"}}, "TEMPLATE_PARAM_ORDER_JSON"),
        ({"VOICE_BACKEND": "twilio"}, "VOICE_BACKEND must be one of log, http, aliyun, tencent"),
    ]
    for overrides, message in cases:
        with pytest.raises(RuntimeError, match=re.escape(message)):
            check_production(_production(**overrides))
