//! `GET /api-docs`: the API's reference, read from the OpenAPI document the router is built
//! from, so that it can never drift from what the server answers. Grouped by tag, each
//! operation with its parameters, body and answers.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::{Chrome, render};
use crate::identity::PageMember;

/// One parameter of an operation.
pub struct Parameter {
    pub name: String,
    pub place: String,
    pub required: bool,
    pub kind: String,
    pub description: String,
}

/// One operation.
pub struct Operation {
    pub method: String,
    pub path: String,
    pub anchor: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<Parameter>,
    pub body: Option<String>,
    pub answers: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocsPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    version: String,
    groups: Vec<(String, Vec<Operation>)>,
}

/// The name of a schema a `$ref` points at, or the schema's type.
fn schema_name(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    if let Some(items) = schema.get("items") {
        return format!("list of {}", schema_name(items));
    }
    match schema.get("enum").and_then(Value::as_array) {
        Some(values) => values
            .iter()
            .filter_map(Value::as_str)
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(" | "),
        None => match schema.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect::<Vec<_>>()
                .join(" or "),
            _ => "value".to_owned(),
        },
    }
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The operations of an OpenAPI document, grouped by their first tag, in path order.
pub fn operations(document: &Value) -> Vec<(String, Vec<Operation>)> {
    let mut groups: Vec<(String, Vec<Operation>)> = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return groups;
    };
    for (path, item) in paths {
        let Some(methods) = item.as_object() else {
            continue;
        };
        for (method, op) in methods {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let tag = op
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
                .unwrap_or("other")
                .to_owned();
            let parameters = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|p| Parameter {
                            name: text(p, "name"),
                            place: text(p, "in"),
                            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                            kind: p.get("schema").map(schema_name).unwrap_or_default(),
                            description: text(p, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let body = op
                .get("requestBody")
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                .and_then(|c| c.iter().next())
                .map(|(media, c)| {
                    let schema = c.get("schema").map(schema_name).unwrap_or_default();
                    format!("{schema} ({media})")
                });
            let answers = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|r| {
                    r.iter()
                        .map(|(code, answer)| {
                            let schema = answer
                                .get("content")
                                .and_then(Value::as_object)
                                .and_then(|c| c.values().next())
                                .and_then(|c| c.get("schema"))
                                .map(schema_name)
                                .unwrap_or_default();
                            (code.clone(), schema)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let description = text(op, "description");
            let summary = match text(op, "summary") {
                s if s.is_empty() => description.lines().next().unwrap_or_default().to_owned(),
                s => s,
            };
            let operation = Operation {
                anchor: text(op, "operationId"),
                method: method.to_uppercase(),
                path: path.clone(),
                description: if description == summary {
                    String::new()
                } else {
                    description
                },
                summary,
                parameters,
                body,
                answers,
            };
            match groups.iter_mut().find(|(t, _)| *t == tag) {
                Some((_, list)) => list.push(operation),
                None => groups.push((tag, vec![operation])),
            }
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    groups
}

/// `GET /api-docs`.
pub async fn api_docs(PageMember { context, .. }: PageMember) -> Response {
    let document = crate::api::openapi_document();
    render(
        StatusCode::OK,
        &ApiDocsPage {
            chrome: Some(Chrome::new(&context, "tokens")),
            notice: None,
            version: document
                .get("info")
                .map(|i| text(i, "version"))
                .unwrap_or_default(),
            groups: operations(&document),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_document_is_listed_once() {
        let document = crate::api::openapi_document();
        let groups = operations(&document);
        let listed: usize = groups.iter().map(|(_, ops)| ops.len()).sum();
        let in_document: usize = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|m| {
                m.as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| *k != "parameters")
                    .count()
            })
            .sum();
        assert_eq!(listed, in_document);
        let risks = groups
            .iter()
            .flat_map(|(_, ops)| ops)
            .find(|o| o.method == "GET" && o.path == "/api/v1/risks")
            .unwrap();
        assert!(
            risks
                .parameters
                .iter()
                .any(|p| p.name == "sort" && p.kind.contains("review_due"))
        );
        assert!(risks.answers.iter().any(|(code, _)| code == "200"));
    }
}
