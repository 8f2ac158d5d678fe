MERGE (v:DatasetVersion {id: $id})
SET v.lastWrite = toString(datetime.transaction('Z')), v.writes = coalesce(v.writes, 0) + 1
