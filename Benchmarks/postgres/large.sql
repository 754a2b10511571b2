-- The store work of accepting one accompanying document of 100,000 codes, as one transaction: read and lock the
-- named codes, lock them for the shipment, one history event linked to each, the document row, commit
-- (synchronous_commit on: the commit waits for its WAL on disk).
\set doc random(1, 1000000000)
BEGIN;
SELECT count(*) FROM (SELECT seq FROM codes WHERE id IN (SELECT id FROM named) ORDER BY id FOR UPDATE) AS locked;
UPDATE codes SET locked_by = 'DOC-' || :doc WHERE id IN (SELECT id FROM named);
INSERT INTO events (at, operation, status, owner, document) VALUES (0, 'ship', 'inCirculation', '050140001238', 'DOC-' || :doc);
INSERT INTO code_history (code_seq, event_id) SELECT seq, currval(pg_get_serial_sequence('events', 'id')) FROM codes WHERE id IN (SELECT id FROM named);
INSERT INTO documents (id, type, sender, number, date, recipient, received_at, status, digest, content, receipt)
VALUES ('DOC-' || :doc, 'shipment', '050140001238', 'N-' || :doc, '2026-12-01', '031240500125', 0, 'waitingForCounterparty', md5(:doc::text), '\x00', '\x00');
COMMIT;
