-- The trash of a workshop's journeys (cxcore/journey.py `trash`): deleted cards whose parents are all live,
-- so restoring one brings it back into view. Who deleted it comes from the change log. Parameter: $workshop.
WITH deleted AS (
    SELECT 'touchpoint' AS kind, t.id, t.journey_id, t.stage_id, t.name AS label, t.deleted_at, t.version
    FROM touchpoints t
    WHERE t.workshop_id = $workshop AND t.deleted_at IS NOT NULL
    UNION ALL
    SELECT 'barrier', b.id, b.journey_id, t.stage_id, b.text, b.deleted_at, b.version
    FROM barriers b JOIN touchpoints t ON t.id = b.touchpoint_id AND t.deleted_at IS NULL
    WHERE b.workshop_id = $workshop AND b.deleted_at IS NOT NULL
    UNION ALL
    SELECT 'idea', i.id, i.journey_id, t.stage_id, i.text, i.deleted_at, i.version
    FROM ideas i
    JOIN barriers b ON b.id = i.barrier_id AND b.deleted_at IS NULL
    JOIN touchpoints t ON t.id = b.touchpoint_id AND t.deleted_at IS NULL
    WHERE i.workshop_id = $workshop AND i.deleted_at IS NOT NULL
),
deleters AS (
    SELECT entity_id, arg_max(actor, id) AS actor
    FROM change_log
    WHERE workshop_id = $workshop AND action IN ('delete', 'undo') AND entity IN ('touchpoints', 'barriers', 'ideas')
    GROUP BY entity_id
)
SELECT d.id, d.kind, j.segment, s.key AS stage, d.label, d.deleted_at, w.actor AS deleted_by, d.version
FROM deleted d
JOIN journeys j ON j.id = d.journey_id AND j.deleted_at IS NULL
JOIN journey_stages s ON s.id = d.stage_id
LEFT JOIN deleters w ON w.entity_id = d.id
ORDER BY d.deleted_at DESC, d.id
