MERGE (v:DatasetVersion {id: $id})
SET v.writes = coalesce(v.writes, 0) + $n,
    v.lastWrite = CASE WHEN v.lastWrite IS NOT NULL AND datetime(v.lastWrite) >= datetime($at) THEN v.lastWrite ELSE $at END
