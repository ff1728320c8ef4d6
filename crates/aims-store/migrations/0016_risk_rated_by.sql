-- Who last set a risk's likelihood and impact: nobody accepts a risk they rated themselves.
ALTER TABLE risks ADD COLUMN rated_by TEXT REFERENCES users (id) ON DELETE SET NULL;
