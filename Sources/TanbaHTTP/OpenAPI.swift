/// The OpenAPI 3 description of the hub's API, served at `GET /openapi.json`.
///
/// Written by hand next to the routes it describes; `OpenAPITests` compares its paths and methods with the
/// router's, both ways, so a route cannot be added or removed without this changing too.
enum OpenAPI {
    static let document = #"""
        {
          "openapi": "3.0.3",
          "info": {
            "title": "Tanba hub API",
            "version": "1",
            "description": "Electronic accompanying documents for marked goods. Login by XMLDSig signature; errors are application/problem+json with the stable codes of docs/ERRORS.md; any route but /healthz, /metrics, /openapi.json and /v1/auth/challenge may answer 429 RATE_LIMITED with Retry-After. Request bodies may be sent with Expect: 100-continue: the hub answers 100 Continue at once, or, when the declared Content-Length is over its limit, 413 REQUEST_TOO_LARGE without reading the body."
          },
          "servers": [{"url": "http://127.0.0.1:8080"}],
          "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "parameters": {
              "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "Document id (DOC-…)"},
              "type": {"name": "type", "in": "query", "schema": {"type": "string"}, "description": "Document type code (GET /v1/reference/document-types)"},
              "status": {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["accepted", "waitingForCounterparty", "acceptedByCounterparty", "partlyAcceptedByCounterparty", "rejectedByCounterparty", "rejected", "cancelled"]}},
              "counterparty": {"name": "counterparty", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{12}$"}, "description": "BIN/IIN of the other side: the sender for the inbox, the recipient for the outbox"},
              "from": {"name": "from", "in": "query", "schema": {"type": "string"}, "description": "Received at or after: a date-time with offset (2026-11-20T09:30:00+05:00; encode + as %2B) or a date (its first instant, UTC)"},
              "to": {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "Received before this date-time, or up to the end of this date (UTC)"},
              "dateFrom": {"name": "dateFrom", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "The document's own date, from (inclusive)"},
              "dateTo": {"name": "dateTo", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "The document's own date, to (inclusive)"},
              "after": {"name": "after", "in": "query", "schema": {"type": "string"}, "description": "The previous page's next cursor, as given"},
              "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}
            },
            "schemas": {
              "Problem": {
                "type": "object",
                "required": ["type", "title", "status", "code"],
                "properties": {
                  "type": {"type": "string", "example": "urn:kz:tanba:error:AUTH_REQUIRED"},
                  "title": {"type": "string"}, "status": {"type": "integer"}, "code": {"type": "string"},
                  "detail": {"type": "string"},
                  "errors": {"type": "array", "items": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}, "line": {"type": "integer"},
                    "path": {"type": "string"}}}}
                }
              },
              "Summary": {
                "type": "object",
                "properties": {
                  "id": {"type": "string"}, "type": {"type": "string"}, "sender": {"type": "string"},
                  "recipient": {"type": "string"}, "number": {"type": "string"}, "date": {"type": "string"},
                  "status": {"type": "string"}, "receivedAt": {"type": "string", "format": "date-time"},
                  "code": {"type": "string", "description": "For a refused document: its first error's code"}
                }
              },
              "Page": {
                "type": "object",
                "required": ["documents", "next"],
                "properties": {
                  "documents": {"type": "array", "items": {"$ref": "#/components/schemas/Summary"}},
                  "next": {"type": "string", "nullable": true, "description": "Pass as ?after= for the next page; null on the last page"}
                }
              },
              "ProductCard": {
                "type": "object",
                "properties": {
                  "gtin": {"type": "string"}, "name": {"type": "string"}, "brand": {"type": "string"},
                  "manufacturer": {"type": "string"}, "owner": {"type": "string"}, "tnved": {"type": "string"},
                  "productGroup": {"type": "string"}, "country": {"type": "string"}
                }
              }
            },
            "responses": {
              "Problem": {"description": "Refused: the stable code says why", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "Receipt": {"description": "The hub's signed receipt (XMLDSig)", "content": {"application/xml": {"schema": {"type": "string"}}}}
            }
          },
          "security": [{"bearer": []}],
          "paths": {
            "/healthz": {"get": {"summary": "Liveness", "security": [], "responses": {"200": {"description": "ok"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics (text exposition format)", "security": [], "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/openapi.json": {"get": {"summary": "This description", "security": [], "responses": {"200": {"description": "OpenAPI 3"}}}},
            "/v1/auth/challenge": {"post": {"summary": "A login challenge to sign", "security": [], "responses": {"200": {"description": "nonce, expiresAt and the XML document to sign", "content": {"application/json": {"schema": {"type": "object", "properties": {"nonce": {"type": "string"}, "expiresAt": {"type": "string"}, "document": {"type": "string"}}}}}}}}},
            "/v1/auth/token": {"post": {"summary": "Trade the signed challenge for a bearer token", "security": [],
              "requestBody": {"required": true, "content": {"application/xml": {"schema": {"type": "string"}}}},
              "responses": {"200": {"description": "token, participant, iin, expiresAt", "content": {"application/json": {"schema": {"type": "object", "properties": {"token": {"type": "string"}, "participant": {"type": "string"}, "iin": {"type": "string"}, "expiresAt": {"type": "string"}}}}}}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/documents": {"post": {"summary": "Submit a signed document (any of the 14 types, or a shipment answer)",
              "requestBody": {"required": true, "content": {"application/xml": {"schema": {"type": "string"}}}},
              "responses": {"200": {"$ref": "#/components/responses/Receipt"}, "422": {"$ref": "#/components/responses/Receipt"}, "403": {"$ref": "#/components/responses/Receipt"}, "401": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/documents/{id}": {"get": {"summary": "The document as submitted (404 for a refused document: only its receipt is kept)", "parameters": [{"$ref": "#/components/parameters/id"}],
              "responses": {"200": {"description": "the signed XML", "content": {"application/xml": {"schema": {"type": "string"}}}}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/documents/{id}/receipt": {"get": {"summary": "Its signed receipt, also of a refused document (for its submitter)", "parameters": [{"$ref": "#/components/parameters/id"}],
              "responses": {"200": {"$ref": "#/components/responses/Receipt"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/documents/{id}/status": {"get": {"summary": "Its status (e.g. waitingForCounterparty, partlyAcceptedByCounterparty, cancelled; rejected with the first error's code)", "parameters": [{"$ref": "#/components/parameters/id"}],
              "responses": {"200": {"description": "summary", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Summary"}}}}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/inbox": {"get": {"summary": "Documents addressed to me, newest first (received time, then id), a page at a time",
              "parameters": [{"$ref": "#/components/parameters/type"}, {"$ref": "#/components/parameters/status"}, {"$ref": "#/components/parameters/counterparty"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/dateFrom"}, {"$ref": "#/components/parameters/dateTo"}, {"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"}],
              "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/outbox": {"get": {"summary": "Documents I sent, newest first (received time, then id), a page at a time",
              "parameters": [{"$ref": "#/components/parameters/type"}, {"$ref": "#/components/parameters/status"}, {"$ref": "#/components/parameters/counterparty"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/dateFrom"}, {"$ref": "#/components/parameters/dateTo"}, {"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"}],
              "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/reference": {"get": {"summary": "The reference lists (NSI) the hub serves, with their versions",
              "responses": {"200": {"description": "lists", "content": {"application/json": {"schema": {"type": "object", "properties": {"lists": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "version": {"type": "string"}, "validFrom": {"type": "string", "format": "date"}, "items": {"type": "integer"}, "source": {"type": "string"}}}}}}}}}, "401": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/reference/{name}": {"get": {"summary": "One reference list as loaded (version in X-Tanba-Reference-Version); with at, the version in force on that date",
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}, "description": "e.g. countries, product-groups, document-types"}, {"name": "at", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "404 when the hub holds no version in force on that date"}],
              "responses": {"200": {"description": "the list: name, version, validFrom, source, items", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/products/{gtin}": {"get": {"summary": "A product card of the catalogue",
              "parameters": [{"name": "gtin", "in": "path", "required": true, "schema": {"type": "string"}, "description": "GTIN-8, -12, -13 or -14"}],
              "responses": {"200": {"description": "the card", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProductCard"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/codes": {"get": {"summary": "A code, given as a query parameter: as /v1/codes/{code}",
              "parameters": [{"name": "code", "in": "query", "required": true, "schema": {"type": "string"}, "description": "The code as scanned, percent-encoded: a marking code in any GS1 form or an SSCC"}],
              "responses": {"200": {"description": "code, history, contents", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/codes/{code}": {"get": {"summary": "A code or transport package of mine: status, owner, history, package contents; a former holder sees its own part of the history; anyone else gets 404",
              "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The code as scanned, percent-encoded; everything after /v1/codes/ is the code, / included. A marking code in any GS1 form, or an SSCC"}],
              "responses": {"200": {"description": "code, history, contents", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}}
          }
        }
        """#
}
