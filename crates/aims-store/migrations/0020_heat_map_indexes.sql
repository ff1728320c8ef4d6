-- The risk heat map counts open risks per cell, before and after treatment. These indexes
-- hold exactly what that count reads, so that it walks an index rather than every risk's row.
CREATE INDEX risks_by_inherent_cell ON risks (org_id, status, inherent_likelihood, inherent_impact);
CREATE INDEX risks_by_residual_cell ON risks (org_id, status, residual_likelihood, residual_impact);
