-- The store work of accepting one small accompanying document (10 codes), as one transaction: read and lock its
-- codes, lock them for the shipment, one history event linked to each, the document row, the audit entry under
-- the audit chain's advisory lock (as the hub extends its chain), commit with synchronous_commit on.
\set base random(1, 199990)
\set doc random(1, 1000000000)
BEGIN;
SELECT seq FROM codes WHERE seq BETWEEN :base AND :base + 9 ORDER BY id FOR UPDATE;
UPDATE codes SET locked_by = 'DOC-' || :doc WHERE seq BETWEEN :base AND :base + 9;
INSERT INTO events (at, operation, status, owner, document) VALUES (0, 'ship', 'inCirculation', '050140001238', 'DOC-' || :doc);
INSERT INTO code_history (code_seq, event_id) SELECT seq, currval(pg_get_serial_sequence('events', 'id')) FROM codes WHERE seq BETWEEN :base AND :base + 9;
INSERT INTO documents (id, type, sender, number, date, recipient, received_at, status, digest, content, receipt)
VALUES ('DOC-' || :doc || '-' || :client_id, 'shipment', '050140001238', 'N-' || :doc || '-' || :client_id, '2026-12-01', '031240500125', 0, 'waitingForCounterparty', md5(:doc::text || :client_id), repeat('x', 3000)::bytea, repeat('y', 2500)::bytea);
SELECT pg_advisory_xact_lock(127961812590898);
INSERT INTO audit (seq, at, channel, action, result, previous, hash)
SELECT coalesce(max(seq), 0) + 1, 0, 'http', 'submit', 'accepted', '', '' FROM audit;
COMMIT;
