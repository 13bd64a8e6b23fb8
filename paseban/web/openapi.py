"""The OpenAPI document, made to tell the truth (issue 16): the bearer-token scheme, the error
body the app really answers (`{"error", "detail", "problems"}`, not FastAPI's default), the 4xx
answers every /api/v1 operation can give, and Open311's parameters, formats and XML.
Schemathesis checks the app against it (tests/web/test_fuzz.py)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "description": "jenis galat, mis. InvalidInput"},
        "detail": {"description": "penjelasan dalam Bahasa Indonesia"},
        "problems": {
            "type": "array",
            "description": "isian yang tidak sah (422)",
            "items": {
                "type": "object",
                "properties": {"loc": {"type": "string"}, "msg": {"type": "string"}},
            },
        },
    },
}
API_ERRORS = {
    "400": "permintaan tidak sah (JSON terlalu dalam, angka di luar jangkauan)",
    "401": "belum masuk: token atau sesi tidak sah",
    "403": "peran, cakupan token, atau wilayah tidak mengizinkan",
    "404": "tidak ditemukan (atau di luar wilayah Anda)",
    "409": "versi berubah atau langkah tidak sah untuk status ini",
    "413": "badan permintaan terlalu besar",
    "422": "isian tidak sah",
    "429": "terlalu banyak permintaan",
}
OPEN311_ERROR: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
OPEN311_QUERY = {
    "jurisdiction_id": "yurisdiksi (kode kota), opsional",
    "service_request_id": "satu atau beberapa nomor tiket, dipisah koma",
    "service_code": "kode layanan (topik), dipisah koma",
    "start_date": "sejak (ISO 8601)",
    "end_date": "sampai (ISO 8601)",
    "status": "open atau closed, dipisah koma",
    "page": "halaman, mulai 1",
    "page_size": "banyak per halaman",
    "extensions": "true: sertakan extended_attributes",
}


def document(app: FastAPI) -> dict[str, Any]:
    """Build the document once; FastAPI serves it at /openapi.json."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "token API psb_..."},
        "session": {"type": "apiKey", "in": "cookie", "name": "paseban_sesi"},
    }
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            if path.startswith("/api/"):
                _api(operation)
            elif path.startswith("/open311/"):
                _open311(path, operation)
    app.openapi_schema = schema
    return schema


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _api(operation: dict[str, Any]) -> None:
    operation["security"] = [{"bearer": []}, {"session": []}]
    responses = operation.setdefault("responses", {})
    for code, description in API_ERRORS.items():
        responses[code] = _error_response(description)


def _open311(path: str, operation: dict[str, Any]) -> None:
    """GeoReport v2: the format in the path is json or xml, the answers come in that format,
    errors are the spec's list of {code, description}."""
    parameters = [p for p in operation.get("parameters", []) if p.get("in") == "path"]
    for parameter in parameters:
        if parameter["name"] == "fmt":
            parameter["schema"] = {"type": "string", "enum": ["json", "xml"]}
    if operation.get("operationId", "").startswith(("request_list", "service_list")) or (
        "{service_request_id}" in path or "{code}" in path
    ):
        parameters += [
            {"name": name, "in": "query", "required": False, "description": text,
             "schema": {"type": "string", "maxLength": 200}}
            for name, text in OPEN311_QUERY.items()
            if name == "jurisdiction_id" or path.endswith("requests.{fmt}")
        ]  # fmt: skip
    operation["parameters"] = parameters
    body: dict[str, Any] = {
        "application/json": {"schema": {}},
        "text/xml": {"schema": {"type": "string"}},
    }
    errors: dict[str, Any] = {
        "application/json": {"schema": OPEN311_ERROR},
        "text/xml": {"schema": {"type": "string"}},
    }
    operation["responses"] = {
        "200": {"description": "jawaban GeoReport v2", "content": body},
        "400": {"description": "permintaan tidak sah", "content": errors},
        "403": {"description": "api_key tidak sah", "content": errors},
        "404": {"description": "tidak ditemukan", "content": errors},
        "413": _error_response("badan permintaan terlalu besar"),
        "429": _error_response("terlalu banyak permintaan"),
    }
