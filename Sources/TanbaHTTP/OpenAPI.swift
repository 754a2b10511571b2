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
            "description": "Electronic accompanying documents for marked goods. Login by XMLDSig signature; errors are application/problem+json with the stable codes of docs/ERRORS.md; any route but /healthz, /metrics, /openapi.json and /v1/auth/challenge may answer 429 RATE_LIMITED with Retry-After."
          },
          "servers": [{"url": "http://127.0.0.1:8080"}],
          "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "parameters": {
              "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "Document id (DOC-…)"}
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
                  "status": {"type": "string"}, "receivedAt": {"type": "string", "format": "date-time"}
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
              "responses": {"200": {"$ref": "#/components/responses/Receipt"}, "422": {"$ref": "#/components/responses/Receipt"}, "403": {"$ref": "#/components/responses/Receipt"}, "401": {"$ref": "#/components/responses/Problem"}, "413": {"description": "Body larger than the hub's limit"}}}},
            "/v1/documents/{id}": {"get": {"summary": "The document as submitted", "parameters": [{"$ref": "#/components/parameters/id"}],
              "responses": {"200": {"description": "the signed XML", "content": {"application/xml": {"schema": {"type": "string"}}}}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/documents/{id}/receipt": {"get": {"summary": "Its signed receipt", "parameters": [{"$ref": "#/components/parameters/id"}],
              "responses": {"200": {"$ref": "#/components/responses/Receipt"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/documents/{id}/status": {"get": {"summary": "Its status (e.g. waitingForCounterparty, partlyAcceptedByCounterparty)", "parameters": [{"$ref": "#/components/parameters/id"}],
              "responses": {"200": {"description": "summary", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Summary"}}}}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/inbox": {"get": {"summary": "Documents addressed to me, newest first",
              "parameters": [{"name": "type", "in": "query", "schema": {"type": "string"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}],
              "responses": {"200": {"description": "summaries", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Summary"}}}}}, "401": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/outbox": {"get": {"summary": "Documents I sent, newest first",
              "parameters": [{"name": "type", "in": "query", "schema": {"type": "string"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}],
              "responses": {"200": {"description": "summaries", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Summary"}}}}}, "401": {"$ref": "#/components/responses/Problem"}}}},
            "/v1/codes/{code}": {"get": {"summary": "A code of mine: status, owner history, package contents",
              "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}, "description": "01…21… or an SSCC"}],
              "responses": {"200": {"description": "code, history, contents", "content": {"application/json": {"schema": {"type": "object"}}}}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}}
          }
        }
        """#
}
