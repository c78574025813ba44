"""The OpenAPI 3.1 document for /api/v1, kept beside the views it describes."""

from __future__ import annotations

from typing import Any

from alerts.data.update_promises import DEFAULT_RULE, MAX_AHEAD
from alerts.profile import council
from config.council import Council

PROBLEM = {"$ref": "#/components/responses/Problem"}
TOO_MANY = {
    "description": "Refused by a rate limit, or sign-up by text is paused for the day (the daily budget of "
                   "confirmation texts is spent). `Retry-After` gives the seconds to wait, when known.",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def _list_of(name: str, item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [name, "links"],
        "properties": {name: {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
                       "links": {"type": "object"}},
    }


def openapi_document(profile: Council | None = None) -> dict[str, Any]:
    """The document for this app's council, or for `profile` (outside an app context)."""
    profile = profile or council()
    document = _read_document(profile)
    _add_officer_api(document, bilingual="cy" in profile.languages)
    _add_languages(document, profile)
    return document


# The reads that answer in the language asked for (the warnings are the Met Office's English).
READS_IN_LANGUAGES = ("/api/v1/notices", "/api/v1/notices/{notice_id}", "/api/v1/areas", "/api/v1/services",
                      "/api/v1/status", "/api/v1/statistics")


def _add_languages(document: dict[str, Any], profile: Council) -> None:
    """For a council that writes in several languages: how a client asks for one, and a notice's translations.
    A council with one language keeps the document it always had."""
    if len(profile.languages) < 2:
        return
    languages = list(profile.languages)
    asking = [
        {"name": "lang", "in": "query", "schema": {"type": "string", "enum": languages},
         "description": f"The language to answer in; wins over Accept-Language. Otherwise {languages[0]!r}, the "
                        "council's first language, unless Accept-Language prefers another of them"},
        {"name": "Accept-Language", "in": "header", "schema": {"type": "string"},
         "description": "Used when there is no lang parameter; the answer then says Vary: Accept-Language"},
    ]
    said = {"Content-Language": {"schema": {"type": "string", "enum": ["cy", "en-GB"]},
                                 "description": "The language of the answer's texts"}}
    for path in READS_IN_LANGUAGES:
        read = document["paths"][path]["get"]
        read["parameters"] = [*read.get("parameters", []), *asking]
        read["responses"]["200"]["headers"] = said
    text = {"type": "string"}
    notice_texts = {"type": "object", "properties": {"title": text, "summary": text, "advice": text}}
    update_texts = {"type": "object", "properties": {"summary": text, "advice": text}}
    description = ("The texts in each of the council's languages, keyed by language (the English where no Welsh "
                   "was written); the plain fields hold the language asked for")
    schemas = document["components"]["schemas"]
    schemas["Notice"]["properties"]["translations"] = {
        "type": "object", "description": description,
        "properties": {language: notice_texts for language in languages}}
    schemas["Update"]["properties"]["translations"] = {
        "type": "object", "description": description,
        "properties": {language: update_texts for language in languages}}


def _in_both(plain: dict[str, Any]) -> dict[str, Any]:
    """A text the public reads, from a council that writes in Welsh and English: both, each like the plain one."""
    return {"type": "object", "required": ["cy", "en"], "additionalProperties": False,
            "properties": {"cy": plain, "en": plain},
            "description": 'In Welsh and English: {"cy": "…", "en": "…"}, each required and checked like the plain '
                           "text. A plain string is refused (400) here; a council that writes only in English takes "
                           "the plain string instead."}


def _add_officer_api(document: dict[str, Any], *, bilingual: bool = False) -> None:
    """POST endpoints for other council systems, with a bearer API token acting for one officer. A council that
    writes in Welsh takes each text the public reads in both languages."""
    notice_response = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Notice"}}}}
    errors = {"401": PROBLEM, "403": PROBLEM, "404": PROBLEM, "409": PROBLEM, "422": PROBLEM}
    if bilingual:
        errors = {"400": PROBLEM, **errors}
    security: list[dict[str, list[str]]] = [{"apiToken": []}]
    notice_id = [{"name": "notice_id", "in": "path", "required": True, "schema": {"type": "integer"}}]

    def body(schema: str) -> dict[str, Any]:
        return {"required": True,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}

    paths = document["paths"]
    paths["/api/v1/notices"]["post"] = {
        "summary": "Publish a notice (needs a second officer's approval above the threshold or for the whole county)",
        "operationId": "createNotice", "security": security, "requestBody": body("NewNotice"),
        "responses": {"201": {"description": "Published", **notice_response},
                      "202": {"description": "Waiting for another officer's approval (`waiting_for_approval` says "
                                             "why); nothing sent yet",
                              **notice_response},
                      **{k: v for k, v in errors.items() if k != "404" and k != "409"}},
    }
    paths["/api/v1/notices/{notice_id}/updates"] = {"post": {
        "summary": "Post an update to a live notice", "operationId": "createNoticeUpdate", "security": security,
        "parameters": notice_id, "requestBody": body("NewUpdate"),
        "responses": {"201": {"description": "Update posted", **notice_response},
                      "202": {"description": "With alerts on to more than the approval threshold or the whole "
                                             "county, or past what its person may send alone in "
                                             "APPROVAL_WINDOW_HOURS: waiting for another officer's approval "
                                             "(`waiting_for_approval` says why); nothing sent yet",
                              **notice_response},
                      **errors},
    }}
    paths["/api/v1/notices/{notice_id}/resolve"] = {"post": {
        "summary": "Resolve a notice", "operationId": "resolveNotice", "security": security,
        "parameters": notice_id, "requestBody": body("Resolution"),
        "responses": {"200": {"description": "Resolved", **notice_response},
                      "202": {"description": "With alerts on to more than the approval threshold or the whole "
                                             "county, or past what its person may send alone in "
                                             "APPROVAL_WINDOW_HOURS: waiting for another officer's approval "
                                             "(`waiting_for_approval` says why); nothing sent yet",
                              **notice_response},
                      **errors},
    }}
    paths["/api/v1/notices/{notice_id}/approve"] = {"post": {
        "summary": "Approve what waits on a notice (its publication, or an update or resolution with alerts on), "
                   "as a second officer",
        "description": "The token's person must be an officer other than whoever wrote, changed or asked to send "
                       "it; otherwise 403.",
        "operationId": "approveNotice", "security": security, "parameters": notice_id,
        "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": {"200": {"description": "Approved: published, scheduled, or the update sent",
                              **notice_response}, **errors},
    }}
    components = document["components"]
    components["securitySchemes"] = {"apiToken": {
        "type": "http", "scheme": "bearer",
        "description": "A token from `flask create-api-token NAME --user EMAIL [--days N]` or the admin's API tokens "
                       "page; it acts for that person with their role and expires"}}
    text: dict[str, Any] = {"type": "string"}
    title: dict[str, Any] = {"type": "string", "maxLength": 200}
    if bilingual:
        text, title = _in_both(text), _in_both(title)
    next_update_by = {"type": ["string", "null"], "format": "date-time",
                      "description": f"When the officer will next update it: in the future and within "
                                     f"{MAX_AHEAD.days} days. Left out, the default for its impact ({DEFAULT_RULE})"}
    components["schemas"]["NewNotice"] = {
        "type": "object", "required": ["title", "service", "areas", "impact", "summary"],
        "properties": {
            "title": title, "service": {"type": "string", "description": "A service id"},
            "areas": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                      "description": "Area ids; whole-county for everywhere"},
            "impact": {"type": "string", "enum": ["minor", "major", "severe"]},
            "starts_at": {"type": ["string", "null"], "format": "date-time"},
            "expected_end_at": {"type": ["string", "null"], "format": "date-time"},
            "summary": text, "advice": text, "notify": {"type": "boolean", "default": True},
            "next_update_by": next_update_by,
        },
    }
    components["schemas"]["NewUpdate"] = {"type": "object", "required": ["summary"], "properties": {
        "summary": text, "advice": text, "notify": {"type": "boolean", "default": True},
        "next_update_by": next_update_by}}
    components["schemas"]["Resolution"] = {"type": "object", "required": ["summary"], "properties": {
        "summary": text, "notify": {"type": "boolean", "default": True}}}


def _read_document(profile: Council) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{profile.short_name} service disruption alerts API",
            "version": "1.0.0",
            "description": f"Open data about disruption to {profile.name} services. Errors are RFC 9457 "
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
            "/api/v1/warnings": {"get": {
                "summary": "Current Met Office weather warnings that mention the county",
                "operationId": "listWarnings",
                "responses": {
                    "200": {"description": "Current warnings",
                            "content": {"application/json": {"schema": _list_of("warnings", "Warning")}}},
                    "304": {"description": "Not modified"}}}},
            "/api/v1/status": {"get": {"summary": "Counts of active notices, for banners", "operationId": "getStatus",
                                       "responses": {"200": {"description": "Counts", "content": {
                                           "application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
                                           "304": {"description": "Not modified"}}}},
            "/api/v1/statistics": {"get": {
                "summary": "Open statistics: subscriptions by area, service and channel; notices and reach, residents' "
                           "feedback and contact-centre calls by "
                           "service and month",
                "description": "From counts rolled up every hour. Any count of people under 10 is null "
                               "with \"suppressed\": true, never exact, so no resident can be singled out; "
                               "counts of notices are public already and never suppressed.",
                "operationId": "getStatistics",
                "responses": {"200": {"description": "Statistics", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Statistics"}}}},
                    "304": {"description": "Not modified"}}}},
            "/api/v1/subscriptions": {
                "post": {
                    "summary": "Sign a resident up for alerts",
                    "description": "Sends a 6-digit code by text (confirm it with /api/v1/subscriptions/confirm, "
                                   "within 10 minutes, 5 tries) or a confirmation link by email (valid 24 hours). "
                                   "Nothing else is sent until the contact is confirmed. Signing up again with a "
                                   "confirmed contact adds the areas and services once confirmed. The same limits "
                                   "apply as on the website: per IP address, per contact, per number prefix, and "
                                   "a daily budget of confirmation texts.",
                    "operationId": "createSubscription",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/SubscriptionRequest"}}}},
                    "responses": {
                        "202": {"description": "Confirmation sent", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/SubscriptionAccepted"}}}},
                        "422": PROBLEM,
                        "429": TOO_MANY,
                    },
                }
            },
            "/api/v1/subscriptions/confirm": {
                "post": {
                    "summary": "Confirm a text sign-up with its code",
                    "operationId": "confirmSubscription",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ConfirmRequest"}}}},
                    "responses": {
                        "200": {"description": "Confirmed: alerts will be sent", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/SubscriptionConfirmed"}}}},
                        "422": PROBLEM,
                        "429": TOO_MANY,
                    },
                }
            },
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
                        "next_update_by": {"type": ["string", "null"], "format": "date-time",
                                           "description": "While live: when the council will next update it"},
                        "url": {"type": "string", "format": "uri"},
                        "waiting_for_approval": {
                            "type": "string",
                            "description": "Only in a 202: why the send waits for a second officer (its audience, "
                                           "or what its person sent without one within APPROVAL_WINDOW_HOURS)"},
                    },
                },
                "Warning": {
                    "type": "object",
                    "required": ["id", "level", "hazards", "title", "areas", "valid_from", "valid_to", "link"],
                    "properties": {
                        "id": {"type": "string", "description": "The Met Office warning id"},
                        "level": {"type": "string", "enum": ["yellow", "amber", "red"]},
                        "hazards": {"type": "array", "items": {"type": "string"}},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "areas": {"type": "array", "items": {"type": "string"}},
                        "valid_from": {"type": ["string", "null"], "format": "date-time"},
                        "valid_to": {"type": ["string", "null"], "format": "date-time"},
                        "link": {"type": "string", "format": "uri"},
                        "updated_at": {"type": "string", "format": "date-time"},
                    },
                },
                "Status": {"type": "object", "properties": {
                    "active_notices": {"type": "integer"}, "disruption": {"type": "boolean"},
                    "by_service": {"type": "object", "additionalProperties": {"type": "integer"}}}},
                "SubscriptionRequest": {
                    "type": "object",
                    "required": ["channel", "contact", "postcode"],
                    "properties": {
                        "channel": {"type": "string", "enum": ["sms", "email"]},
                        "contact": {"type": "string", "description": "A UK mobile number, or an email address",
                                    "examples": ["07700 900982"]},
                        "postcode": {"type": "string", "description": "A postcode in the council's area",
                                     "examples": [profile.example_postcode]},
                        "services": {"type": "array", "items": {"type": "string"},
                                     "description": "Service ids from /api/v1/services; empty or absent: all"},
                        "also_contact": {"type": "string",
                                         "description": "The same person's other contact: a UK mobile number with "
                                                        "an email sign-up, or an email address with a text one. "
                                                        "Each is confirmed on its own and linked once it is, so "
                                                        "both share the alerts and either can manage them"},
                        "language": {"type": "string", "enum": list(profile.languages),
                                     "default": profile.languages[0],
                                     "description": "The language of every message to them, one the council "
                                                    "writes in; absent: the council's default"},
                    },
                },
                "SubscriptionAccepted": {"type": "object", "required": ["status", "channel"], "properties": {
                    "status": {"const": "confirmation_sent"}, "channel": {"type": "string", "enum": ["sms", "email"]},
                    "detail": {"type": "string"}}},
                "ConfirmRequest": {"type": "object", "required": ["contact", "code"], "properties": {
                    "contact": {"type": "string", "description": "The mobile number signed up"},
                    "code": {"type": "string", "pattern": "^[0-9 -]+$", "examples": ["123456"]}}},
                "SubscriptionConfirmed": {"type": "object", "required": ["status"], "properties": {
                    "status": {"const": "confirmed"}, "channel": {"type": "string"},
                    "manage_url": {"type": ["string", "null"], "format": "uri",
                                   "description": "Where the resident can change or stop their alerts"}}},
                "Count": {"type": "object", "required": ["count", "suppressed"], "properties": {
                    "count": {"type": ["integer", "null"], "minimum": 10},
                    "suppressed": {"type": "boolean"}}},
                # A count of notices, which the notices page lists anyway: never suppressed, so it may be under 10.
                "PublicCount": {"type": "object", "required": ["count", "suppressed"], "properties": {
                    "count": {"type": "integer", "minimum": 0},
                    "suppressed": {"const": False}}},
                "Statistics": {"type": "object", "required": ["subscriptions", "notices", "feedback", "calls",
                                                              "suppression"],
                               "properties": {
                    "subscriptions": {"type": "object", "properties": {
                        "as_of": {"type": ["string", "null"], "format": "date"},
                        "by_channel": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/Count"}, {
                            "type": "object", "properties": {"channel": {"enum": ["email", "sms"]}}}]}},
                        "by_area": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/Count"}, {
                            "type": "object", "properties": {"area": {"$ref": "#/components/schemas/Area"}}}]}},
                        "by_service": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/Count"}, {
                            "type": "object", "properties": {"service": {"$ref": "#/components/schemas/Service"}}}]}},
                    }},
                    "notices": {"type": "array", "items": {"type": "object", "properties": {
                        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                        "service": {"$ref": "#/components/schemas/Service"},
                        "notices": {"$ref": "#/components/schemas/PublicCount"},
                        "reach": {"$ref": "#/components/schemas/Count"}}}},
                    # Residents' answers to "Was this useful?" on notices of each service, by month.
                    "feedback": {"type": "array", "items": {"type": "object", "required": [
                        "month", "service", "useful", "not_useful"], "properties": {
                        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                        "service": {"$ref": "#/components/schemas/Service"},
                        "useful": {"$ref": "#/components/schemas/Count"},
                        "not_useful": {"$ref": "#/components/schemas/Count"}}}},
                    # Calls the contact centre logged about each service, by month and how they ended.
                    "calls": {"type": "array", "items": {"type": "object", "required": [
                        "month", "service", "answered", "signed_up", "passed_on"], "properties": {
                        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                        "service": {"$ref": "#/components/schemas/Service"},
                        "answered": {"$ref": "#/components/schemas/Count"},
                        "signed_up": {"$ref": "#/components/schemas/Count"},
                        "passed_on": {"$ref": "#/components/schemas/Count"}}}},
                    "suppression": {"type": "string"}}},
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
