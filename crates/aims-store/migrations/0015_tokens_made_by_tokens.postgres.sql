-- An API token may no longer make tokens: a token made by another could outlive and outrank
-- it, and kept working after it was revoked. Those already made that way are revoked here.
UPDATE api_tokens
SET revoked_at = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) * 1000000
WHERE revoked_at IS NULL
  AND id IN (
    SELECT object_id FROM audit_events
    WHERE action = 'token.created' AND actor_kind = 'token'
  );
