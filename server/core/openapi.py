"""The OpenAPI 3.1 document, built from the marshmallow schemas each route declares."""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from werkzeug.routing import IntegerConverter, UUIDConverter

_PARAM = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>")


def _path_schema(converter) -> dict:
    """What a Flask converter matches, so a client (and schemathesis) sends ids the route takes."""
    if isinstance(converter, UUIDConverter):
        return {"type": "string", "format": "uuid"}
    if isinstance(converter, IntegerConverter):
        # Our integer ids are SQL integers (regions.service.get_scoped: a bigger one is a 404).
        top = 2**31 - 1 if converter.max is None else converter.max
        return {"type": "integer", "minimum": max(converter.min or 0, 0), "maximum": top}
    return {"type": "string"}


PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        # Field to messages; a nested field (a location, a subscription) maps to its own fields.
        "errors": {"type": "object", "additionalProperties": {"type": ["array", "object"]}},
        "request_id": {"type": "string"},
    },
}


def doc(
    summary: str,
    body=None,
    response=None,
    many: bool = False,
    status: int = 200,
    params: dict | None = None,
    public: bool = False,
    content_type: str | None = None,
    query=None,
    also: tuple[int, ...] = (),
    produces: str | None = None,
):
    """Describe a view for the OpenAPI document. Every /api/ route carries one (a test checks).
    `query` is the QuerySchema the view loads its query string with: its fields become the
    documented `in: query` parameters, so the two cannot drift. `params` is for the rest.
    `also`: other success statuses with the same body (200 for a create sent again)."""

    def decorate(fn):
        fn.api_doc = {
            "summary": summary,
            "body": body,
            "response": response,
            "many": many,
            "status": status,
            "params": params or {},
            "public": public,
            "content_type": content_type,
            "query": query,
            "also": also,
            "produces": produces,
        }
        return fn

    return decorate


def _schema_ref(spec: APISpec, schema):
    if schema is None:
        return None
    if isinstance(schema, dict):
        return schema
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    if name not in spec.components.schemas:
        spec.components.schema(name, schema=cls)
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(spec: APISpec, plugin: MarshmallowPlugin, meta: dict, path_params: dict) -> dict:
    op: dict = {"summary": meta["summary"], "responses": {}}
    params = [
        {"name": name, "in": "path", "required": True, "schema": _path_schema(converter)}
        for name, converter in path_params.items()
    ]
    if meta.get("query") is not None:
        params += plugin.converter.schema2parameters(meta["query"], location="query")
    params += [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
        for name, text in meta["params"].items()
    ]
    if params:
        op["parameters"] = params
    if meta["body"] is not None:
        ctype = meta["content_type"] or "application/json"
        op["requestBody"] = {
            "required": True,
            "content": {ctype: {"schema": _schema_ref(spec, meta["body"])}},
        }
    schema = _schema_ref(spec, meta["response"])
    if schema is not None and meta["many"]:
        schema = {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": schema},
                "total": {"type": "integer"},
                "total_capped": {
                    "type": "boolean",
                    "description": "on lists that count only so far: true when `total` is the cap "
                    "(there are at least that many)",
                },
                "next_cursor": {"type": ["string", "null"]},
            },
        }
    ok = {"description": "OK"}
    if schema is not None:
        ok["content"] = {meta["produces"] or "application/json": {"schema": schema}}
    for status in (meta["status"], *meta.get("also", ())):
        op["responses"][str(status)] = ok
    op["responses"]["default"] = {
        "description": "Error",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if not meta["public"]:
        op["security"] = [{"bearer": []}, {"cookie": []}]
    return op


def build_spec(app: Flask) -> dict:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="应急通 Emergency Field API",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[plugin],
    )
    spec.components.schema("Problem", PROBLEM)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.security_scheme(
        "cookie", {"type": "apiKey", "in": "cookie", "name": "access_token_cookie"}
    )
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not (rule.rule.startswith("/api/") or rule.rule == "/healthz"):
            continue
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "api_doc", None)
        if meta is None:
            continue
        path = _PARAM.sub(r"{\1}", rule.rule)
        names = {name: rule._converters.get(name) for name in _PARAM.findall(rule.rule)}  # noqa: SLF001
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(spec, plugin, meta, names)
    for path, ops in paths.items():
        spec.path(path=path, operations=ops)
    return spec.to_dict()
