MATCH (a:Agreement)
WHERE a.id = $prefixed OR toLower(a.name) = $lower
   OR any(x IN coalesce(a.aliases, []) WHERE toLower(x) = $lower)
RETURN a.id AS id ORDER BY a.id LIMIT 5
