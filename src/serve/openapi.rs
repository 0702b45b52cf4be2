//! The OpenAPI 3.1 description of `/v1`. Written out here rather than
//! derived: the answer types live in the library, which stays free of web
//! dependencies, and a derive would have to annotate every public type for
//! one front end. A test checks that every route below is served.

use axum::response::{IntoResponse, Response};
use axum::Json;

pub async fn document() -> Response {
    Json(spec()).into_response()
}

fn error_responses() -> serde_json::Value {
    serde_json::json!({
        "400": { "description": "Bad facts or body: the error says what fits, with a did-you-mean suggestion", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "404": { "description": "Unknown jurisdiction, with the nearest name", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "413": { "description": "Body larger than 64 KiB", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
    })
}

/// What a deadline field holds.
const DEADLINE: &str = "The deadline as the policy writes it: `immediately`; `practicable` (the statute says \"as soon as practicable\" or \"promptly\": no fixed time); `practicable, at most 24h` (as soon as practicable, but not later than 24 hours); or a number with `h`, `d` or `w` (`24h`, `2d`). A written deadline may end in ` if requested`: `48h if requested` is due only if the receiving agency asks for the written report. `summary` says it in words.";

/// What a combined deadline field holds.
const COMBINED_DEADLINE: &str = "The deadline that keeps every jurisdiction's: the earliest fixed time; `immediately` over `practicable`; and `practicable, at most 24h` when one says `practicable` and another a fixed time, since neither is stricter in general. A deadline due only on request never hides one due in any case: `48h` and `48h if requested` give `48h`, two on request the earlier (`24h if requested`), and a laxer deadline in any case keeps both: `72h, 48h if requested` (72 hours in any case, 48 if the agency asks).";

pub fn spec() -> serde_json::Value {
    let errors = error_responses();
    let json_ok = |description: &str, schema: &str| serde_json::json!({ "description": description, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
    let with_errors = |ok: serde_json::Value| {
        let mut r = errors.clone();
        r["200"] = ok;
        r
    };
    // Its own value: one `json!` this deep passes the macro's recursion limit.
    let answer = serde_json::json!({ "type": "object", "required": ["jurisdiction", "name", "summary", "action", "to", "any_of", "citations", "rule", "notes", "source", "facts", "assumed", "disclaimer"], "properties": {
                "jurisdiction": { "type": "string" }, "name": { "type": "string" }, "summary": { "type": "string" },
                "action": { "type": "string", "enum": ["must_report", "must_disclose", "may_disclose", "must_not_disclose"] },
                "to": { "type": "array", "items": { "type": "string" } }, "any_of": { "type": "boolean" },
                "within": { "type": ["string", "null"], "description": DEADLINE }, "written_within": { "type": ["string", "null"], "description": DEADLINE },
                "citations": { "type": "array", "items": { "type": "string" } }, "rule": { "type": "string" },
                "notes": { "type": "array", "items": { "type": "string" } }, "unverified": { "type": ["string", "null"] },
                "source": { "type": "string" },
                "facts": { "type": "array", "items": { "type": "object", "properties": { "fact": { "type": "string" }, "value": { "type": "string" } } } },
                "assumed": { "type": "array", "items": { "type": "object", "properties": { "fact": { "type": "string" }, "value": { "type": "string" }, "meaning": { "type": "string" } } } },
                "as_of": { "type": "string", "format": "date", "description": "The date of the events the answer is for" },
                "in_force_since": { "type": "string", "format": "date", "description": "The first day the deciding rule is in force, when it has one" },
                "in_force_until": { "type": "string", "format": "date", "description": "The last day the deciding rule is in force, when it has one" },
                "upcoming": { "type": "object", "description": "Another rule that decides these facts within 90 days after as_of", "properties": { "from": { "type": "string", "format": "date" }, "rule": { "type": "string" }, "summary": { "type": "string" }, "action": { "type": "string" }, "to": { "type": "array", "items": { "type": "string" } } } },
                "explain": { "type": "object" }, "disclaimer": { "type": "string" } } });
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {
            "title": "mandate",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Jurisdiction-aware confidentiality policy for therapists: must I report, may I disclose, or must I keep it confidential? mandate informs; it is not legal advice."
        },
        "paths": {
            "/v1/jurisdictions": { "get": { "summary": "Every jurisdiction", "responses": { "200": json_ok("Codes and names", "Jurisdictions") } } },
            "/v1/schema": { "get": { "summary": "The facts, their values, docs and defaults", "responses": { "200": json_ok("The schema", "Schema") } } },
            "/v1/decide": { "post": {
                "summary": "Decide in one or more jurisdictions; each answer and a combined one",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DecideRequest" } } } },
                "responses": with_errors(json_ok("Each answer, and the combined answer with its conflicts", "Combined"))
            } },
            "/v1/next-question": { "post": {
                "summary": "The fact to ask next, or the answer once nothing left can change it",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NextRequest" } } } },
                "responses": with_errors(json_ok("{\"question\": fact} or {\"answer\": answer}", "Next"))
            } },
            "/v1/notice/{code}": { "get": {
                "summary": "The limits-of-confidentiality notice for intake",
                "parameters": [
                    { "name": "code", "in": "path", "required": true, "schema": { "type": "string" } },
                    { "name": "format", "in": "query", "schema": { "type": "string", "enum": ["html", "markdown", "json"] } },
                    { "name": "role", "in": "query", "schema": { "type": "string" } },
                    { "name": "as_of", "in": "query", "description": "The law in force on this date instead of today's", "schema": { "type": "string", "format": "date" } }
                ],
                "responses": with_errors(serde_json::json!({ "description": "The notice" }))
            } },
            "/v1/matrix": { "get": {
                "summary": "Every jurisdiction's action for a concern and optional facts",
                "parameters": [
                    { "name": "concern", "in": "query", "required": true, "schema": { "type": "string" } },
                    { "name": "as_of", "in": "query", "description": "The date of the events (YYYY-MM-DD); today when absent. Any other fact may be given the same way", "schema": { "type": "string", "format": "date" } }
                ],
                "responses": with_errors(json_ok("One tile per jurisdiction", "Matrix"))
            } },
            "/healthz": { "get": { "summary": "Liveness", "responses": { "200": { "description": "ok" } } } }
        },
        "components": { "schemas": {
            "Error": { "type": "object", "required": ["error", "help"], "properties": {
                "error": { "type": "string" }, "help": { "type": "string" },
                "suggestion": { "type": "string" }, "needs": { "type": "array", "items": { "type": "string" } } } },
            "Facts": { "type": "object", "description": "Fact name to value: a boolean, an integer, an enum value's name, or a date as YYYY-MM-DD (`as_of`, the date of the events, defaults to today)", "additionalProperties": { "type": ["boolean", "integer", "string"] } },
            "DecideRequest": { "type": "object", "required": ["jurisdictions"], "properties": {
                "jurisdictions": { "type": "array", "items": { "type": "string" }, "minItems": 1, "description": "Codes in any case, or names" },
                "facts": { "$ref": "#/components/schemas/Facts" }, "explain": { "type": "boolean" } } },
            "NextRequest": { "type": "object", "required": ["jurisdiction"], "properties": {
                "jurisdiction": { "type": "string" }, "facts": { "$ref": "#/components/schemas/Facts" } } },
            "Answer": answer,
            "Combined": { "type": "object", "properties": {
                "answers": { "type": "array", "items": { "$ref": "#/components/schemas/Answer" } },
                "combined": { "type": "object", "properties": { "jurisdictions": { "type": "array", "items": { "type": "string" } }, "summary": { "type": "string" }, "action": { "type": "string" }, "to": { "type": "array", "items": { "type": "string" } }, "within": { "type": ["string", "null"], "description": COMBINED_DEADLINE }, "written_within": { "type": ["string", "null"], "description": COMBINED_DEADLINE }, "conflicts": { "type": "array", "items": { "type": "string" } } } } } },
            "Next": { "type": "object", "properties": { "question": { "type": "object" }, "answer": { "$ref": "#/components/schemas/Answer" } } },
            "Jurisdictions": { "type": "array", "items": { "type": "object", "properties": { "code": { "type": "string" }, "name": { "type": "string" } } } },
            "Schema": { "type": "object", "properties": { "facts": { "type": "array", "items": { "type": "object" } }, "recipients": { "type": "array", "items": { "type": "object" } } } },
            "Matrix": { "type": "object", "properties": { "tiles": { "type": "array", "items": { "type": "object", "properties": { "code": { "type": "string" }, "name": { "type": "string" }, "action": { "type": "string" }, "needs": { "type": "array", "items": { "type": "string" } } } } } } }
        } }
    })
}
