/// The OpenAPI 3 description of the hub's API, served at `GET /openapi.json`.
///
/// Written by hand next to the routes it describes, and held to what the server does: `OpenAPITests` compares
/// its paths and methods with the router's, both ways, and checks the statuses every operation declares;
/// `scripts/schemathesis.sh` (run by `make test`) fuzzes the running hub against it with every check.
///
/// Parameters whose validity a pattern cannot express (a check digit, a cursor the hub gave out) carry a
/// `format` naming it, `kz-iin-bin`, `gtin`, `gs1-code`, `tanba-cursor`, `tanba-mof-cursor`,
/// `tanba-mof-reconciliation-cursor` or `tanba-mof-snt-cursor`, and no pattern or
/// length beside it (their descriptions give the shape): the format is the whole assertion, and a pattern beside
/// it would make a generator draw strings the pattern allows but the format does not. The fuzzer's hooks
/// (`scripts/schemathesis_hooks.py`) generate values of these formats.
enum OpenAPI {
    static let document = #"""
        {
          "openapi": "3.0.3",
          "info": {
            "title": "Tanba hub API",
            "version": "1",
            "description": "Electronic accompanying documents for marked goods. Login by XMLDSig signature; errors are application/problem+json with the stable codes of docs/ERRORS.md. Every route takes only the query parameters listed here: any other is 400 REQUEST_PARAMETER_INVALID naming it. A path no route has is 404 NOT_FOUND; a method a path does not take is 405 METHOD_NOT_ALLOWED with Allow; HEAD is answered wherever GET is (headers only). The Authorization scheme name is case-insensitive. Any route but /healthz, /metrics, /openapi.json and /v1/auth/challenge may answer 429 RATE_LIMITED with Retry-After. Request bodies may be sent with Expect: 100-continue: the hub answers 100 Continue at once, or, when the declared Content-Length is over its limit, 413 REQUEST_TOO_LARGE without reading the body."
          },
          "servers": [{"url": "/"}],
          "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "parameters": {
              "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}, "description": "Document id (DOC-…)"},
              "type": {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["codeOrder", "applicationReport", "introductionProduction", "introductionImport", "aggregation", "disaggregation", "reaggregation", "shipment", "shipmentAnswer", "shipmentCancellation", "withdrawal", "returnToCirculation", "remarking", "eaeuShipment", "export", "eaeuArrival", "fiscalReceipts"]}, "description": "Document type code (GET /v1/reference/document-types)"},
              "status": {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["accepted", "waitingForCounterparty", "acceptedByCounterparty", "partlyAcceptedByCounterparty", "rejectedByCounterparty", "rejected", "cancelled"]}},
              "counterparty": {"name": "counterparty", "in": "query", "schema": {"type": "string", "format": "kz-iin-bin"}, "description": "BIN/IIN of the other side (the sender for the inbox, the recipient for the outbox): 12 digits (^[0-9]{12}$) whose last is the check digit of the first 11 (weights 1–11, else 3–11,1,2, modulo 11; no BIN/IIN has a body whose checksum is 10 with both)"},
              "from": {"name": "from", "in": "query", "schema": {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}, "description": "Received at or after: an RFC 3339 date-time with offset (2026-11-20T09:30:00+05:00; encode + as %2B; offsets from -23:59 to +23:59) or a date (its first instant, UTC)"},
              "to": {"name": "to", "in": "query", "schema": {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}, "description": "Received before this RFC 3339 date-time, or up to the end of this date (UTC)"},
              "number": {"name": "number", "in": "query", "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^\\x00-\\x1F\\x7F]+$"}, "description": "The sender's own document number, exactly (no control character)"},
              "dateFrom": {"name": "dateFrom", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "The document's own date, from (inclusive)"},
              "dateTo": {"name": "dateTo", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "The document's own date, to (inclusive)"},
              "after": {"name": "after", "in": "query", "schema": {"type": "string", "format": "tanba-cursor"}, "description": "The previous page's next cursor, as given: URL-safe base64 without padding (^[A-Za-z0-9_-]{1,512}$) of what the hub wrote; any other string, the empty one included, is 400"},
              "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}
            },
            "headers": {
              "Retry-After": {"description": "Seconds to wait before sending again", "required": true, "schema": {"type": "integer", "minimum": 1}},
              "Allow": {"description": "The methods the path takes", "required": true, "schema": {"type": "string"}},
              "X-Tanba-Document": {"description": "The document's id (SHA-256 of its canonical form)", "required": true, "schema": {"type": "string"}},
              "X-Tanba-Result": {"description": "accepted or rejected", "required": true, "schema": {"type": "string", "enum": ["accepted", "rejected"]}},
              "X-Tanba-Reference-Version": {"description": "The version of the list served", "required": true, "schema": {"type": "string"}}
            },
            "schemas": {
              "MoFExport": {"type": "object", "required": ["id", "mode", "from", "to", "createdAt", "counts", "total", "sha256", "size", "acknowledgement", "failedAttempts"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "mode": {"type": "string", "enum": ["daily", "onDemand"]},
                "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
                "createdAt": {"type": "string", "format": "date-time"},
                "counts": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "Events per kind: ownershipTransfer, import, export, withdrawal, eaeuShipment"},
                "total": {"type": "integer"}, "sha256": {"type": "string"}, "size": {"type": "integer", "format": "int64"},
                "acknowledgement": {"type": "string", "enum": ["pending", "accepted", "rejected"]},
                "acknowledgedAt": {"type": "string", "format": "date-time"}, "reason": {"type": "string", "description": "A rejection's reason"},
                "delivery": {"type": "string", "description": "The outbox message's state with its failed attempts, e.g. delivered (2 failed)"},
                "deliveryState": {"type": "string", "enum": ["pending", "delivered", "dead"]},
                "failedAttempts": {"type": "integer"}, "lastError": {"type": "string"}}},
              "MoFReconciliation": {"type": "object", "required": ["id", "from", "to", "createdAt", "withoutSNT", "sha256", "acknowledgement", "failedAttempts"], "properties": {
                "id": {"type": "string", "format": "uuid"},
                "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
                "createdAt": {"type": "string", "format": "date-time"},
                "withoutSNT": {"type": "integer", "description": "Accepted shipments of the period that name no SNT"},
                "sntWithoutShipment": {"type": "integer", "description": "SNTs of the Ministry's list no shipment names; absent when no list was compared"},
                "quantitiesDiffer": {"type": "integer", "description": "Quantities per GTIN that differ from the SNT's; absent when no list was compared"},
                "partiesDiffer": {"type": "integer", "description": "SNTs whose seller or buyer differ; absent when no list was compared"},
                "sha256": {"type": "string", "description": "SHA-256 of the signed report as queued (what the Ministry acknowledges)"},
                "acknowledgement": {"type": "string", "enum": ["pending", "accepted", "rejected"]},
                "acknowledgedAt": {"type": "string", "format": "date-time"}, "reason": {"type": "string", "description": "A rejection's reason"},
                "delivery": {"type": "string", "description": "The outbox message's state with its failed attempts, e.g. delivered (2 failed)"},
                "deliveryState": {"type": "string", "enum": ["pending", "delivered", "dead"]},
                "failedAttempts": {"type": "integer"}, "lastError": {"type": "string"}}},
              "MoFSNT": {"type": "object", "required": ["number", "date", "seller", "buyer", "lineCount", "lines", "list", "listCreatedAt"], "properties": {
                "number": {"type": "string"}, "date": {"type": "string", "format": "date", "description": "The SNT's day, a day of its list's period"},
                "seller": {"type": "string", "description": "BIN/IIN"}, "buyer": {"type": "string", "description": "BIN/IIN"},
                "lineCount": {"type": "integer"},
                "lines": {"type": "array", "items": {"type": "object", "required": ["gtin", "quantity"], "properties": {"gtin": {"type": "string"}, "quantity": {"type": "string", "description": "A decimal as the list wrote it (2, 2.5)"}}}, "description": "In GTIN order"},
                "list": {"type": "string", "description": "SHA-256 of the signed list it came with (the list in force for its day)"},
                "listCreatedAt": {"type": "string", "format": "date-time", "description": "That list's CreatedAt"}}},
              "MoFSNTList": {"type": "object", "required": ["sha256", "from", "to", "createdAt", "importedAt", "count", "daysInForce"], "properties": {
                "sha256": {"type": "string", "description": "SHA-256 of the signed list as imported (its key)"},
                "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
                "createdAt": {"type": "string", "format": "date-time", "description": "The list's CreatedAt: a newer list replaces an older one's SNTs for the days it covers"},
                "importedAt": {"type": "string", "format": "date-time"},
                "count": {"type": "integer", "description": "The SNTs it carried"},
                "daysInForce": {"type": "integer", "description": "The days of its period it still holds; 0 when newer lists cover them all"}}},
              "Problem": {
                "type": "object",
                "required": ["type", "title", "status", "code", "detail", "errors"],
                "properties": {
                  "type": {"type": "string", "example": "urn:kz:tanba:error:AUTH_REQUIRED"},
                  "title": {"type": "string", "description": "What the code means, in the language Accept-Language asked for (kk, ru, en; Content-Language says which)"},
                  "status": {"type": "integer"}, "code": {"type": "string"},
                  "detail": {"type": "string"},
                  "incident": {"type": "string", "description": "For the hub's own faults (500): the id under which the operator's log holds the details", "example": "INC-3f9a0c41d2e7"},
                  "errors": {"type": "array", "items": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string"}, "title": {"type": "string"}, "message": {"type": "string"},
                    "line": {"type": "integer"}, "path": {"type": "string"}}}}
                }
              },
              "Summary": {
                "type": "object",
                "required": ["id", "type", "sender", "number", "date", "status", "receivedAt"],
                "properties": {
                  "id": {"type": "string"}, "type": {"type": "string"}, "sender": {"type": "string"},
                  "recipient": {"type": "string"}, "number": {"type": "string"}, "date": {"type": "string"},
                  "status": {"type": "string"}, "receivedAt": {"type": "string", "format": "date-time"},
                  "code": {"type": "string", "description": "For a refused document: its first error's code"},
                  "items": {"type": "integer", "description": "The codes and packages the document changed"},
                  "amount": {"type": "string", "description": "The amount the document states (Totals/Amount)"}
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
                "required": ["gtin", "name"],
                "properties": {
                  "gtin": {"type": "string"}, "name": {"type": "string"}, "brand": {"type": "string"},
                  "manufacturer": {"type": "string"}, "owner": {"type": "string"}, "tnved": {"type": "string"},
                  "productGroup": {"type": "string"}, "country": {"type": "string"}
                }
              },
              "PublicCheck": {
                "type": "object",
                "required": ["code", "genuine", "authenticity", "status", "problems"],
                "properties": {
                  "code": {"type": "string", "description": "The identity: 01…21… or 00 + SSCC"},
                  "level": {"type": "string", "enum": ["unit", "group", "transport"]},
                  "genuine": {"type": "boolean", "description": "true for authenticity genuine or knownPackage only"},
                  "authenticity": {"type": "string", "enum": ["genuine", "tailNotGiven", "knownPackage", "registeredAbroad", "forged", "unknown"]},
                  "status": {"type": "string", "enum": ["inCirculation", "sold", "withdrawn", "notIntroduced", "cancelled", "unknown"]},
                  "withdrawalReason": {"type": "string"}, "gtin": {"type": "string"}, "name": {"type": "string"},
                  "brand": {"type": "string"}, "manufacturer": {"type": "string"}, "importer": {"type": "string"},
                  "importerBIN": {"type": "string"}, "producer": {"type": "string"}, "producerBIN": {"type": "string"},
                  "productionDate": {"type": "string", "format": "date"}, "expiryDate": {"type": "string", "format": "date"},
                  "expired": {"type": "boolean"}, "country": {"type": "string"}, "productGroup": {"type": "string"},
                  "contents": {"type": "array", "items": {"type": "object", "required": ["level", "count"], "properties": {"gtin": {"type": "string"}, "name": {"type": "string"}, "level": {"type": "string"}, "count": {"type": "integer"}}}},
                  "problems": {"type": "array", "items": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}
                }
              },
              "ViolationStatus": {
                "type": "object",
                "required": ["reference", "kind", "status", "filedAt", "updatedAt", "steps"],
                "properties": {
                  "reference": {"type": "string"}, "kind": {"type": "string"},
                  "status": {"type": "string", "enum": ["new", "inReview", "confirmed", "dismissed"]},
                  "filedAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"},
                  "steps": {"type": "array", "items": {"type": "object", "required": ["at", "status"], "properties": {"at": {"type": "string", "format": "date-time"}, "status": {"type": "string"}}}}
                }
              },
              "Violation": {
                "type": "object",
                "required": ["reference", "source", "kind", "status", "photo", "createdAt", "updatedAt"],
                "properties": {
                  "reference": {"type": "string"}, "source": {"type": "string", "enum": ["report", "signal", "fiscal"]},
                  "kind": {"type": "string"}, "status": {"type": "string"}, "code": {"type": "string"}, "gtin": {"type": "string"},
                  "productGroup": {"type": "string"}, "participant": {"type": "string"}, "region": {"type": "string"},
                  "shop": {"type": "string"}, "address": {"type": "string"}, "latitude": {"type": "number"}, "longitude": {"type": "number"},
                  "description": {"type": "string"}, "contact": {"type": "string"}, "photo": {"type": "boolean"},
                  "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"}
                }
              },
              "ViolationCase": {
                "type": "object",
                "required": ["report", "steps", "history"],
                "properties": {
                  "report": {"$ref": "#/components/schemas/Violation"},
                  "steps": {"type": "array", "items": {"type": "object", "required": ["reference", "at", "status"], "properties": {"reference": {"type": "string"}, "at": {"type": "string", "format": "date-time"}, "status": {"type": "string"}, "comment": {"type": "string"}, "inspector": {"type": "string"}}}},
                  "code": {"type": "object"},
                  "history": {"type": "array", "items": {"type": "object"}}
                }
              },
              "FiscalAnswer": {
                "type": "object",
                "required": ["batch", "ofd", "receivedAt", "receipts", "applied", "repeated", "conflicts", "violations"],
                "properties": {
                  "batch": {"type": "string"}, "ofd": {"type": "string"}, "receivedAt": {"type": "string", "format": "date-time"},
                  "applied": {"type": "integer", "description": "Receipts recorded now"},
                  "repeated": {"type": "integer", "description": "Receipts recorded before: answered with their stored outcome, nothing changed"},
                  "conflicts": {"type": "integer", "description": "Receipts whose register and fiscal sign are recorded with other content (FISCAL_RECEIPT_CONFLICT)"},
                  "violations": {"type": "integer", "description": "Lines of the receipts recorded now that raised a violation"},
                  "receipts": {"type": "array", "items": {"type": "object", "required": ["id", "register", "fiscalSign", "kind", "status", "lines"], "properties": {
                    "id": {"type": "string", "description": "FR-<register>-<fiscal sign>"}, "register": {"type": "string"}, "fiscalSign": {"type": "string"},
                    "kind": {"type": "string", "enum": ["sale", "refund"]},
                    "status": {"type": "string", "enum": ["applied", "repeated", "conflict"]}, "error": {"type": "string"},
                    "lines": {"type": "array", "items": {"type": "object", "required": ["line", "code", "outcome"], "properties": {
                      "line": {"type": "integer"}, "code": {"type": "string"}, "outcome": {"type": "string", "enum": ["applied", "violation"]},
                      "violation": {"type": "string", "enum": ["soldTwice", "soldOutOfCirculation", "soldNotOwned", "refundNotSold"]},
                      "message": {"type": "string"}}}}}}}
                }
              },
              "CodeView": {
                "type": "object",
                "required": ["scope", "code", "history", "contents"],
                "properties": {
                  "scope": {"type": "string", "enum": ["full", "formerHolder"], "description": "full for the owner and state bodies; formerHolder: the code's identity and the holder's own part of its history"},
                  "code": {"type": "object", "required": ["id", "level", "emitter", "issuedAt"], "properties": {
                    "id": {"type": "string"}, "level": {"type": "integer"}, "gtin": {"type": "string"},
                    "status": {"type": "string"}, "owner": {"type": "string"}, "emitter": {"type": "string"},
                    "withdrawalReason": {"type": "string"}, "lockedBy": {"type": "string"}, "parent": {"type": "string"},
                    "keyID": {"type": "string"}, "verificationCode": {"type": "string"}, "issuedAt": {"type": "string", "format": "date-time"}}},
                  "history": {"type": "array", "items": {"type": "object", "required": ["codeID", "at", "operation", "status", "owner"], "properties": {
                    "codeID": {"type": "string"}, "at": {"type": "string", "format": "date-time"}, "operation": {"type": "string"},
                    "status": {"type": "string"}, "owner": {"type": "string"}, "document": {"type": "string"}}}},
                  "contents": {"type": "array", "items": {"type": "string"}}
                }
              }
            },
            "responses": {
              "BadRequest": {"description": "400: a query parameter unknown, repeated or malformed, or a malformed path parameter (REQUEST_PARAMETER_INVALID, naming it)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "Unauthorized": {"description": "401 AUTH_REQUIRED: no valid bearer token", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "Forbidden": {"description": "403 AUTH_FORBIDDEN: not the caller's", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "NotFound": {"description": "404 NOT_FOUND", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "MethodNotAllowed": {"description": "405 METHOD_NOT_ALLOWED: the path does not take this method (for any method not listed under a path)", "headers": {"Allow": {"$ref": "#/components/headers/Allow"}}, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "TooLarge": {"description": "413 REQUEST_TOO_LARGE", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "Unprocessable": {"description": "422: the signed body is refused (XML, signature or certificate codes)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "RateLimited": {"description": "429 RATE_LIMITED", "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "Receipt": {"description": "The hub's signed receipt (XMLDSig)", "headers": {"X-Tanba-Document": {"$ref": "#/components/headers/X-Tanba-Document"}, "X-Tanba-Result": {"$ref": "#/components/headers/X-Tanba-Result"}}, "content": {"application/xml": {"schema": {"type": "string"}}}},
              "StoredReceipt": {"description": "The hub's signed receipt (XMLDSig)", "content": {"application/xml": {"schema": {"type": "string"}}}}
            }
          },
          "security": [{"bearer": []}],
          "paths": {
            "/healthz": {"get": {"summary": "Liveness", "security": [], "responses": {"200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics (text exposition format)", "security": [], "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}}}},
            "/openapi.json": {"get": {"summary": "This description", "security": [], "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}}}},
            "/v1/auth/challenge": {"post": {"summary": "A login challenge to sign", "security": [], "responses": {"200": {"description": "nonce, expiresAt and the XML document to sign", "content": {"application/json": {"schema": {"type": "object", "required": ["nonce", "expiresAt", "document"], "properties": {"nonce": {"type": "string"}, "expiresAt": {"type": "string", "format": "date-time"}, "document": {"type": "string"}}}}}}, "400": {"$ref": "#/components/responses/BadRequest"}}}},
            "/v1/auth/token": {"post": {"summary": "Trade the signed challenge for a bearer token", "security": [],
              "requestBody": {"required": true, "content": {"application/xml": {"schema": {"type": "string"}}}},
              "responses": {"200": {"description": "token, participant, iin, expiresAt", "content": {"application/json": {"schema": {"type": "object", "required": ["token", "participant", "expiresAt"], "properties": {"token": {"type": "string"}, "participant": {"type": "string"}, "iin": {"type": "string"}, "expiresAt": {"type": "string", "format": "date-time"}}}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"description": "401 AUTH_CHALLENGE: not a Tanba login challenge, or one unknown, used or expired", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "413": {"$ref": "#/components/responses/TooLarge"}, "422": {"description": "422: the body is not well-formed XML, or its signature or certificate is refused, or the signer is no registered participant or representative", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/documents": {"post": {"summary": "Submit a signed document (any of the 14 types, or a shipment answer); 422 and 403 answers are the signed receipt listing every error",
              "requestBody": {"required": true, "content": {"application/xml": {"schema": {"type": "string"}}}},
              "responses": {"200": {"$ref": "#/components/responses/Receipt"}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Receipt"}, "413": {"$ref": "#/components/responses/TooLarge"}, "422": {"$ref": "#/components/responses/Receipt"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/documents/{id}": {"get": {"summary": "The document as submitted (404 for a refused document: only its receipt is kept)", "parameters": [{"$ref": "#/components/parameters/id"}],
              "responses": {"200": {"description": "the signed XML", "content": {"application/xml": {"schema": {"type": "string"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/documents/{id}/receipt": {"get": {"summary": "Its signed receipt, also of a refused document (for its submitter)", "parameters": [{"$ref": "#/components/parameters/id"}],
              "responses": {"200": {"$ref": "#/components/responses/StoredReceipt"}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/documents/{id}/status": {"get": {"summary": "Its status (e.g. waitingForCounterparty, partlyAcceptedByCounterparty, cancelled; rejected with the first error's code)", "parameters": [{"$ref": "#/components/parameters/id"}],
              "responses": {"200": {"description": "summary", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Summary"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/inbox": {"get": {"summary": "Documents addressed to me, newest first (received time, then id), a page at a time",
              "parameters": [{"$ref": "#/components/parameters/type"}, {"$ref": "#/components/parameters/status"}, {"$ref": "#/components/parameters/counterparty"}, {"$ref": "#/components/parameters/number"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/dateFrom"}, {"$ref": "#/components/parameters/dateTo"}, {"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"}],
              "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/outbox": {"get": {"summary": "Documents I sent, newest first (received time, then id), a page at a time",
              "parameters": [{"$ref": "#/components/parameters/type"}, {"$ref": "#/components/parameters/status"}, {"$ref": "#/components/parameters/counterparty"}, {"$ref": "#/components/parameters/number"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/dateFrom"}, {"$ref": "#/components/parameters/dateTo"}, {"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"}],
              "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/reference": {"get": {"summary": "The reference lists (NSI) the hub serves, with their versions",
              "responses": {"200": {"description": "lists", "content": {"application/json": {"schema": {"type": "object", "required": ["lists"], "properties": {"lists": {"type": "array", "items": {"type": "object", "required": ["name", "version", "validFrom", "items"], "properties": {"name": {"type": "string"}, "version": {"type": "string"}, "validFrom": {"type": "string", "format": "date"}, "items": {"type": "integer"}, "source": {"type": "string"}}}}}}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/reference/{name}": {"get": {"summary": "One reference list as loaded (version in X-Tanba-Reference-Version); with at, the version in force on that date",
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}, "description": "e.g. countries, product-groups, document-types"}, {"name": "at", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "404 when the hub holds no version in force on that date"}],
              "responses": {"200": {"description": "the list: name, version, validFrom, source, items", "headers": {"X-Tanba-Reference-Version": {"$ref": "#/components/headers/X-Tanba-Reference-Version"}}, "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/products/{gtin}": {"get": {"summary": "A product card of the catalogue",
              "parameters": [{"name": "gtin", "in": "path", "required": true, "schema": {"type": "string", "format": "gtin"}, "description": "GTIN-8, -12, -13 or -14 (^([0-9]{8}|[0-9]{12,14})$) whose last digit is its GS1 check digit (a malformed one is 400)"}],
              "responses": {"200": {"description": "the card", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProductCard"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/public/check": {
              "get": {"summary": "Anyone checks a code, without login: genuine or not, its status in plain words, the product, producer or importer, dates, country, group; a package's contents. Nothing private. Rate-limited per address",
                "security": [],
                "parameters": [{"name": "code", "in": "query", "required": true, "schema": {"type": "string", "format": "gs1-code"}, "description": "The code as scanned or typed, percent-encoded: a marking code in any GS1 form or an SSCC"},
                  {"name": "location", "in": "query", "schema": {"type": "string", "format": "geo-point"}, "description": "Where the phone is, if its user shares it: latitude,longitude in degrees (-90…90,-180…180), e.g. 43.2389,76.8897"}],
                "responses": {"200": {"description": "the check", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PublicCheck"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "429": {"$ref": "#/components/responses/RateLimited"}}},
              "post": {"summary": "Anyone checks the code in a photo of a label (JPEG or PNG, at most 10 MiB): the hub finds the GS1 DataMatrix in it. 400 IMAGE_UNSUPPORTED, IMAGE_TOO_LARGE, IMAGE_CORRUPT or BARCODE_NOT_FOUND when it cannot",
                "security": [],
                "parameters": [{"name": "location", "in": "query", "schema": {"type": "string", "format": "geo-point"}, "description": "As for GET"}],
                "requestBody": {"required": true, "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}, "image/png": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {"200": {"description": "the check", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PublicCheck"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "413": {"$ref": "#/components/responses/TooLarge"}, "429": {"$ref": "#/components/responses/RateLimited"}}}
            },
            "/v1/public/violations": {"post": {"summary": "Anyone reports a violation: 201 with the reference number to follow it by. Nothing is stored when the report is refused (400 VIOLATION_INVALID listing every wrong field, the GS1 codes for the code, the image codes for the photo)",
              "security": [],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["kind", "shop", "address"], "properties": {
                "kind": {"type": "string", "enum": ["notGenuine", "notInCirculation", "expired", "soldWithoutCode", "other"]},
                "code": {"type": "string", "format": "gs1-code", "nullable": true},
                "shop": {"type": "string", "maxLength": 200, "pattern": "^[^\\x00-\\x1f\\x7f]*[^\\s\\x00-\\x1f\\x7f][^\\x00-\\x1f\\x7f]*$"},
                "address": {"type": "string", "maxLength": 300, "pattern": "^[^\\x00-\\x1f\\x7f]*[^\\s\\x00-\\x1f\\x7f][^\\x00-\\x1f\\x7f]*$"},
                "region": {"type": "string", "enum": ["KZ-71", "KZ-75", "KZ-79", "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", null], "description": "ISO 3166-2:KZ", "nullable": true},
                "location": {"type": "object", "nullable": true, "required": ["latitude", "longitude"], "properties": {"latitude": {"type": "number", "minimum": -90, "maximum": 90}, "longitude": {"type": "number", "minimum": -180, "maximum": 180}}},
                "description": {"type": "string", "maxLength": 2000, "pattern": "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$", "nullable": true},
                "contact": {"type": "string", "maxLength": 200, "pattern": "^[^\\x00-\\x1f\\x7f]*$", "nullable": true},
                "photo": {"type": "string", "format": "tanba-photo", "nullable": true, "description": "A JPEG or PNG, base64; kept re-encoded without its metadata"}}}}}},
              "responses": {"201": {"description": "filed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ViolationStatus"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "413": {"$ref": "#/components/responses/TooLarge"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/public/violations/{reference}": {"get": {"summary": "A report's status, for whoever holds its reference number (404 for one not filed)",
              "security": [],
              "parameters": [{"name": "reference", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^V-[2-9A-HJKMNP-Z]{10}$"}}],
              "responses": {"200": {"description": "status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ViolationStatus"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/violations": {"get": {"summary": "Inspectors (a state body's login): reports and the hub's signals, newest first, a page at a time",
              "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["notGenuine", "notInCirculation", "expired", "soldWithoutCode", "other", "clonedCode", "soldTwice", "soldOutOfCirculation", "soldNotOwned", "refundNotSold"]}},
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["new", "inReview", "confirmed", "dismissed"]}},
                {"name": "source", "in": "query", "schema": {"type": "string", "enum": ["report", "signal", "fiscal"]}},
                {"name": "region", "in": "query", "schema": {"type": "string", "enum": ["KZ-71", "KZ-75", "KZ-79", "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63"]}},
                {"name": "group", "in": "query", "schema": {"type": "string", "enum": ["tobacco", "alcohol", "shoes", "fur", "pharma", "tires", "perfume", "lp", "milk", "water", "beer"]}},
                {"name": "participant", "in": "query", "schema": {"type": "string", "format": "kz-iin-bin"}},
                {"name": "code", "in": "query", "schema": {"type": "string", "format": "gs1-code"}},
                {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"},
                {"name": "after", "in": "query", "schema": {"type": "string", "format": "tanba-violation-cursor"}, "description": "The previous page's next, as given"},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}],
              "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"type": "object", "required": ["reports"], "properties": {"reports": {"type": "array", "items": {"$ref": "#/components/schemas/Violation"}}, "next": {"type": "string"}}}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/violations/{reference}": {"get": {"summary": "Inspectors: one report with its steps and the code's full history",
              "parameters": [{"name": "reference", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^V-[2-9A-HJKMNP-Z]{10}$"}}],
              "responses": {"200": {"description": "the case", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ViolationCase"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/violations/{reference}/photo": {"get": {"summary": "Inspectors: the report's photo as the hub re-encoded it",
              "parameters": [{"name": "reference", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^V-[2-9A-HJKMNP-Z]{10}$"}}],
              "responses": {"200": {"description": "the photo", "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}, "image/png": {"schema": {"type": "string", "format": "binary"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/violations/{reference}/status": {"post": {"summary": "Inspectors: set a report's status with a comment, if it is still the one expected (400 VIOLATION_STATUS_CHANGED otherwise)",
              "parameters": [{"name": "reference", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^V-[2-9A-HJKMNP-Z]{10}$"}}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["expected", "status"], "properties": {"expected": {"type": "string", "enum": ["new", "inReview", "confirmed", "dismissed"]}, "status": {"type": "string", "enum": ["new", "inReview", "confirmed", "dismissed"]}, "comment": {"type": "string", "maxLength": 2000, "nullable": true}}}}}},
              "responses": {"200": {"description": "the case", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ViolationCase"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}, "413": {"$ref": "#/components/responses/TooLarge"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/operator/mof/exports": {"get": {"summary": "Operators (a participant with the operator role): the Ministry of Finance exports, newest first, a page at a time, each with its outbox delivery and the Ministry's acknowledgement (as tanba mof exports). 403 for anyone else",
              "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
                {"name": "after", "in": "query", "schema": {"type": "string", "format": "tanba-mof-cursor"}, "description": "The previous page's next cursor, as given: URL-safe base64 without padding (^[A-Za-z0-9_-]{1,512}$) of what the hub wrote; any other string, the empty one and a document list's cursor included, is 400"}],
              "responses": {"200": {"description": "a page of exports", "content": {"application/json": {"schema": {"type": "object", "required": ["exports", "next"], "properties": {"exports": {"type": "array", "items": {"$ref": "#/components/schemas/MoFExport"}}, "next": {"type": "string", "nullable": true, "description": "Pass as ?after= for the next page (older exports); null on the last page"}}}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/operator/mof/reconciliations": {"get": {"summary": "Operators (a participant with the operator role): the reconciliation reports the hub queued for the Ministry of Finance, newest first, a page at a time, each with its findings, its outbox delivery and the Ministry's acknowledgement (as tanba mof reconciliations). 403 for anyone else",
              "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
                {"name": "after", "in": "query", "schema": {"type": "string", "format": "tanba-mof-reconciliation-cursor"}, "description": "The previous page's next cursor, as given: URL-safe base64 without padding (^[A-Za-z0-9_-]{1,512}$) of what the hub wrote; any other string, the empty one, an export list's and a document list's cursor included, is 400"}],
              "responses": {"200": {"description": "a page of reconciliation reports", "content": {"application/json": {"schema": {"type": "object", "required": ["reconciliations", "next"], "properties": {"reconciliations": {"type": "array", "items": {"$ref": "#/components/schemas/MoFReconciliation"}}, "next": {"type": "string", "nullable": true, "description": "Pass as ?after= for the next page (older reports); null on the last page"}}}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/operator/mof/snts": {"get": {"summary": "Operators (a participant with the operator role): the Ministry's SNT lists kept whose period meets from…to (newest first, at most 50; moreLists when there are more) and a page of the SNTs in force dated from…to, by day then number, each with its lines and the list it came with (as tanba mof snt list). 403 for anyone else",
              "parameters": [{"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "The first day (inclusive); none: from the first kept"},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "The last day (inclusive), not before from (else 400); none: to the last kept"},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}},
                {"name": "after", "in": "query", "schema": {"type": "string", "format": "tanba-mof-snt-cursor"}, "description": "The previous page's next cursor, as given: URL-safe base64 without padding (^[A-Za-z0-9_-]{1,512}$) of what the hub wrote; any other string, the empty one and another list's cursor included, is 400"}],
              "responses": {"200": {"description": "the lists and a page of SNTs", "content": {"application/json": {"schema": {"type": "object", "required": ["lists", "moreLists", "snts", "next"], "properties": {"lists": {"type": "array", "items": {"$ref": "#/components/schemas/MoFSNTList"}}, "moreLists": {"type": "boolean", "description": "More lists meet the period than shown: a shorter period shows them"}, "snts": {"type": "array", "items": {"$ref": "#/components/schemas/MoFSNT"}}, "next": {"type": "string", "nullable": true, "description": "Pass as ?after= (with the same from and to) for the next page of SNTs; null on the last page"}}}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/fiscal/receipts": {"post": {"summary": "A fiscal data operator (OFD) posts a signed batch of cash receipts with marking codes (xsd/fiscal-receipts-1.xsd). No bearer token: the batch's XMLDSig signature authenticates it (the signer acts for the batch's Operator, a participant with role ofd). Each receipt is applied once per register and fiscal sign: a batch posted again is answered from the store, nothing changed. A sale withdraws the code (retailSale), a refund returns it; a line the codes' state machine cannot apply is recorded with its violation for the inspectors. A malformed batch, a bad signature, a signer not an OFD or an unreadable code: 422 with every error, nothing applied",
              "security": [],
              "requestBody": {"required": true, "content": {"application/xml": {"schema": {"type": "string"}}}},
              "responses": {"200": {"description": "each receipt and line with its outcome", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FiscalAnswer"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "413": {"$ref": "#/components/responses/TooLarge"}, "422": {"description": "422: the batch is refused whole (XML, XSD, signature, certificate, AUTH_*, FISCAL_NOT_OPERATOR, FISCAL_CODE_INVALID), every error listed with its line and path", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/codes": {"get": {"summary": "A code, given as a query parameter (for clients that cannot put / or a GS separator in a path): as /v1/codes/{code}",
              "parameters": [{"name": "code", "in": "query", "required": true, "schema": {"type": "string", "format": "gs1-code"}, "description": "The code as scanned, percent-encoded (an empty one is 400): a marking code in any GS1 form (raw with GS, ]d2, bracketed, 01…21…) or an SSCC (00…, (00)…, 18 digits)"}],
              "responses": {"200": {"description": "code, history, contents", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CodeView"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/codes/{code}": {"get": {"summary": "A code or transport package of mine: status, owner, history, package contents. A former holder sees its own part of the history; anyone else gets 404, as for a code that does not exist",
              "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string", "format": "gs1-code"}, "description": "The code as scanned, percent-encoded (%1D for GS); everything after /v1/codes/ is the code, / included. A marking code in any GS1 form, or an SSCC (00…, (00)…, 18 digits). Malformed: 400 REQUEST_PARAMETER_INVALID with the GS1 error and its position in errors"}],
              "responses": {"200": {"description": "code, history, contents", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CodeView"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/RateLimited"}}}}
          }
        }
        """#
}
