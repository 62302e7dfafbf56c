"""The merge of the datasets and the register, per member row (`BASE`): what every commitment reader starts from.

:mod:`foedus.query.commitments` documents the merge (precedence, accessions, terminations) and pairs the rows per
date (``SQL``); :mod:`foedus.query.intervals` cuts them into intervals; :mod:`foedus.query.history` reads one
relationship's rows. Plain SQL text, no pandas: the history command imports it at start-up.
"""

from __future__ import annotations

from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS, SUMMARY_FLAGS

_INHERITED = (*OBLIGATIONS, *SUMMARY_FLAGS, *CONDITION_FLAGS)
_INHERITED_COLUMNS = ", ".join(_INHERITED)
_INHERIT = ", ".join(f"CASE WHEN inh.treaty_id IS NULL THEN c.{col} ELSE inh.{col} END AS {col}" for col in _INHERITED)

# Accessions inherit the treaty (issue 15.2): a register accession to a dataset treaty takes the obligations
# and conditions the dataset codes for the members of that phase (the coding most members still in force at
# the end of coverage share), e.g. NATO's Art. 6 location condition for Finland as for France.
BASE = f"""
WITH ext AS (
    SELECT treaty_id, json_extract_string(attributes, '$.extends') AS extends
    FROM treaties
    WHERE dataset = 'register' AND json_extract_string(attributes, '$.extends') IS NOT NULL
), coding AS (
    SELECT * EXCLUDE (live, total, first, rank) FROM (
        SELECT *, row_number() OVER (PARTITION BY treaty_id, phase ORDER BY live DESC, total DESC, first) AS rank
        FROM (
            SELECT treaty_id, phase, {_INHERITED_COLUMNS}, count(*) FILTER (WHERE exit_date IS NULL) AS live,
                count(*) AS total, min(commitment_id) AS first
            FROM commitments
            WHERE treaty_id IN (SELECT extends FROM ext)
            GROUP BY treaty_id, phase, {_INHERITED_COLUMNS}
        )
    ) WHERE rank = 1
), base AS (
    SELECT c.* REPLACE ({_INHERIT}), coalesce(ext.extends, c.treaty_id) AS pair_id,
        CASE WHEN c.exit_date IS NULL THEN (
            SELECT min(e.event_date) FROM treaty_events e
            WHERE e.action = 'termination' AND e.treaty_id = coalesce(ext.extends, c.treaty_id)
              AND (e.members IS NULL OR list_contains(e.members, c.member))
        ) END AS register_exit
    FROM commitments c LEFT JOIN ext USING (treaty_id)
    LEFT JOIN coding inh ON inh.treaty_id = ext.extends AND inh.phase = c.phase
)"""
