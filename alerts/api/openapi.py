"""The OpenAPI 3.1 document for /api/v1, kept beside the views it describes."""

from __future__ import annotations

from typing import Any

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _list_of(name: str, item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [name, "links"],
        "properties": {name: {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
                       "links": {"type": "object"}},
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Dorset service disruption alerts API",
            "version": "1.0.0",
            "description": "Open data about disruption to Dorset Council services. Errors are RFC 9457 "
                           "problem details (application/problem+json).",
            "license": {"name": "Open Government Licence v3.0",
                        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"},
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/notices": {
                "get": {
                    "summary": "List public notices",
                    "operationId": "listNotices",
                    "parameters": [
                        {"name": "postcode", "in": "query", "schema": {"type": "string"}},
                        {"name": "area", "in": "query", "schema": {"type": "string"}},
                        {"name": "service", "in": "query", "schema": {"type": "string"}},
                        {"name": "status", "in": "query",
                         "schema": {"type": "string", "enum": ["active", "resolved", "all"], "default": "active"}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    ],
                    "responses": {
                        "200": {"description": "A page of notices",
                                "content": {"application/json": {"schema": _list_of("notices", "Notice")}}},
                        "304": {"description": "Not modified"},
                        "400": PROBLEM,
                        "422": PROBLEM,
                    },
                }
            },
            "/api/v1/notices/{notice_id}": {
                "get": {
                    "summary": "One notice with its timeline",
                    "operationId": "getNotice",
                    "parameters": [{"name": "notice_id", "in": "path", "required": True,
                                    "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {"description": "The notice",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Notice"}}}},
                        "304": {"description": "Not modified"},
                        "400": PROBLEM,
                        "404": PROBLEM,
                    },
                }
            },
            "/api/v1/areas": {"get": {"summary": "Areas", "operationId": "listAreas", "responses": {
                "200": {"description": "Areas", "content": {"application/json": {"schema": _list_of("areas", "Area")}}},
                "304": {"description": "Not modified"}}}},
            "/api/v1/services": {"get": {"summary": "Services", "operationId": "listServices", "responses": {
                "200": {"description": "Services",
                        "content": {"application/json": {"schema": _list_of("services", "Service")}}},
                "304": {"description": "Not modified"}}}},
            "/api/v1/status": {"get": {"summary": "Counts of active notices, for banners", "operationId": "getStatus",
                                       "responses": {"200": {"description": "Counts", "content": {
                                           "application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
                                           "304": {"description": "Not modified"}}}},
        },
        "components": {
            "schemas": {
                "Area": {"type": "object", "required": ["id", "name"],
                         "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                        "kind": {"type": "string"}}},
                "Service": {"type": "object", "required": ["id", "name"],
                            "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
                "Update": {"type": "object", "properties": {
                    "kind": {"type": "string"}, "summary": {"type": "string"}, "advice": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"}}},
                "Notice": {
                    "type": "object",
                    "required": ["id", "title", "service", "areas", "impact", "status", "starts_at", "expected_end_at",
                                 "summary", "advice", "updates", "updated_at"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "service": {"$ref": "#/components/schemas/Service"},
                        "areas": {"type": "array", "items": {"$ref": "#/components/schemas/Area"}},
                        "whole_county": {"type": "boolean"},
                        "impact": {"type": "string", "enum": ["minor", "major", "severe"]},
                        "status": {"type": "string"},
                        "starts_at": {"type": ["string", "null"], "format": "date-time"},
                        "expected_end_at": {"type": ["string", "null"], "format": "date-time"},
                        "published_at": {"type": ["string", "null"], "format": "date-time"},
                        "resolved_at": {"type": ["string", "null"], "format": "date-time"},
                        "summary": {"type": "string"},
                        "advice": {"type": "string"},
                        "updates": {"type": "array", "items": {"$ref": "#/components/schemas/Update"}},
                        "updated_at": {"type": "string", "format": "date-time"},
                        "url": {"type": "string", "format": "uri"},
                    },
                },
                "Status": {"type": "object", "properties": {
                    "active_notices": {"type": "integer"}, "disruption": {"type": "boolean"},
                    "by_service": {"type": "object", "additionalProperties": {"type": "integer"}}}},
                "Problem": {"type": "object", "required": ["status", "title"], "properties": {
                    "status": {"type": "integer"}, "title": {"type": "string"}, "detail": {"type": "string"},
                    "errors": {"type": "object", "additionalProperties": {"type": "string"}}}},
            },
            "responses": {
                "Problem": {
                    "description": "A problem",
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                },
            },
        },
    }
