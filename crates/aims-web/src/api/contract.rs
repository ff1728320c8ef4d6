//! What every operation of the API can answer besides its own responses, written into the
//! OpenAPI document in one place so that the document is a contract a client generator or
//! schemathesis can hold the service to: errors as `application/problem+json`, the statuses
//! the shared layers give (400 for a malformed address, 401/403 from authentication and
//! roles, 404 for an unknown id, 413/415/422 for bodies, 503 when the database is away), and
//! operation ids that are unique.

use serde_json::{Map, Value, json};

const PROBLEM: &str = "application/problem+json";
const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Text of an address (path or query): no control character at all (the server answers 400).
const ADDRESS_TEXT: &str = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$";
/// Text in a body: line breaks and tabs, but no other control character (else 422).
const BODY_TEXT: &str = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$";
/// Path parameters that are ids: UUIDs (anything else names nothing: 404).
const ID_PARAMETERS: [&str; 2] = ["id", "user_id"];

/// The document with every operation's shared responses and ids filled in, and the rules
/// the boundary applies to all text written into the schemas.
pub fn finish(mut document: Value) -> Value {
    for (schema, property, rule) in super::contract_rules::properties() {
        if let Some(slot) = document.pointer_mut(&format!(
            "/components/schemas/{schema}/properties/{property}"
        )) {
            let description = slot.get("description").cloned();
            *slot = rule;
            if let Some(description) = description {
                slot["description"] = description;
            }
        }
    }
    for (path, name, rule) in super::contract_rules::query_parameters() {
        let Some(item) = document
            .pointer_mut(&format!(
                "/paths/{}",
                path.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for operation in item.values_mut() {
            let Some(parameters) = operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
            else {
                continue;
            };
            for parameter in parameters {
                if parameter["in"] == "query" && parameter["name"] == name {
                    parameter["schema"] = rule.clone();
                }
            }
        }
    }
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        let copy = schemas.clone();
        for schema in schemas.values_mut() {
            merge_all_of(schema, &copy);
            text_rules(schema, BODY_TEXT);
        }
    }
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return document;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            if let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) {
                complete(path, operation);
            }
        }
    }
    document
}

fn problem_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    })
}

fn retry_after() -> Value {
    json!({"Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    }})
}

/// Turns a schema made of `allOf` object parts (a view that flattens a form, say) into one
/// object: a part that refuses unknown properties would otherwise refuse the other parts'.
fn merge_all_of(schema: &mut Value, schemas: &Map<String, Value>) {
    let Some(parts) = schema.get("allOf").and_then(Value::as_array).cloned() else {
        return;
    };
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for part in parts {
        let part = match part.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| schemas.get(name))
                .cloned()
                .unwrap_or_default(),
            None => part,
        };
        if let Some(more) = part.get("properties").and_then(Value::as_object) {
            properties.extend(more.clone());
        }
        if let Some(more) = part.get("required").and_then(Value::as_array) {
            required.extend(more.iter().cloned());
        }
    }
    let description = schema.get("description").cloned();
    *schema = json!({"type": "object", "properties": properties, "required": required});
    if let Some(description) = description {
        schema["description"] = description;
    }
}

/// The parts of the multipart uploads, which the annotations leave as a bare object.
fn multipart_rules(path: &str, operation: &mut Map<String, Value>) {
    let parts = match path {
        "/api/v1/evidence/files" => json!({
            "type": "object",
            "required": ["metadata", "file"],
            "additionalProperties": false,
            "properties": {
                "metadata": {"type": "string", "description": "The evidence's facts as JSON: title, description, link, valid_from, valid_until, targets [{kind, id}]"},
                "file": {"type": "string", "format": "binary"},
            },
        }),
        "/api/v1/systems/{id}/redteam-runs" => json!({
            "type": "object",
            "required": ["journal"],
            "additionalProperties": false,
            "properties": {
                "journal": {"type": "string", "format": "binary", "description": "The run's journal.jsonl"},
                "thresholds": {"type": "string", "description": "The thresholds the run is judged against, as JSON"},
            },
        }),
        _ => return,
    };
    if let Some(content) = operation
        .get_mut("requestBody")
        .and_then(|body| body.pointer_mut("/content/multipart~1form-data"))
    {
        content["schema"] = parts;
    }
}

/// Gives every string in `schema` (and what it contains) that has no pattern or format of
/// its own the pattern `pattern`.
fn text_rules(schema: &mut Value, pattern: &str) {
    match schema {
        Value::Object(map) => {
            let is_string = map.get("type").is_some_and(|t| {
                t == "string"
                    || t.as_array()
                        .is_some_and(|ts| ts.iter().any(|t| t == "string"))
            });
            if is_string
                && !map.contains_key("pattern")
                && !map.contains_key("format")
                && !map.contains_key("enum")
            {
                map.insert("pattern".into(), json!(pattern));
            }
            for (key, value) in map.iter_mut() {
                if key != "example" && key != "default" {
                    text_rules(value, pattern);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| text_rules(v, pattern)),
        _ => {}
    }
}

/// Path and query parameters: ids are UUIDs, other text holds no control character.
fn parameter_rules(operation: &mut Map<String, Value>) {
    let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for parameter in parameters {
        let is_id = parameter["in"] == "path"
            && parameter["name"]
                .as_str()
                .is_some_and(|n| ID_PARAMETERS.contains(&n));
        if let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut)
            && is_id
            && schema.get("type").is_some_and(|t| t == "string")
        {
            schema.insert("format".into(), json!("uuid"));
        }
        if let Some(schema) = parameter.get_mut("schema") {
            text_rules(schema, ADDRESS_TEXT);
        }
    }
}

fn complete(path: &str, operation: &mut Map<String, Value>) {
    parameter_rules(operation);
    let id = operation
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or("operation")
        .to_owned();
    let tag = operation
        .get("tags")
        .and_then(|t| t.get(0))
        .and_then(Value::as_str)
        .unwrap_or("aims")
        .replace('-', "_");
    if !id.starts_with(&format!("{tag}_")) {
        operation.insert("operationId".into(), json!(format!("{tag}_{id}")));
    }
    let public = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().all(|r| r.as_object().is_some_and(Map::is_empty)));
    let has_body = operation.contains_key("requestBody");
    let has_query = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    let has_path_params = path.contains('{');
    multipart_rules(path, operation);
    let responses = operation
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses are an object");
    // Errors a handler documents are problem documents, whatever the annotation said.
    for (status, response) in responses.iter_mut() {
        if status.starts_with('4') || status.starts_with('5') {
            let description = response["description"].as_str().unwrap_or("").to_owned();
            *response = problem_response(if description.is_empty() {
                "The problem"
            } else {
                &description
            });
        }
    }
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| problem_response(description));
    };
    add(
        "400",
        "The address, query or body is malformed (a control character, a value of the wrong type)",
    );
    if !public {
        add("401", "No valid session or API token");
        add(
            "403",
            "The caller's role does not allow this, or an API token asks for what only a person signed in may do",
        );
    }
    add(
        "404",
        if has_path_params {
            "Nothing of this organisation has that id"
        } else {
            "Something the request names does not exist"
        },
    );
    if has_body {
        add("413", "The body is larger than this operation takes");
        add(
            "415",
            "The body is not of the media type this operation takes",
        );
        add("422", "The body breaks a rule; `field` names the field");
    } else if has_query {
        add("422", "A query parameter breaks a rule; `field` names it");
    }
    add(
        "503",
        "The database cannot be reached just now, or the server is busy; try again after Retry-After",
    );
    if let Some(busy) = responses.get_mut("503").and_then(Value::as_object_mut) {
        busy.insert("headers".into(), retry_after());
    }
    if let Some(throttled) = responses.get_mut("429").and_then(Value::as_object_mut) {
        throttled.insert("headers".into(), retry_after());
    }
}
