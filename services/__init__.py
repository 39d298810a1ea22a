"""The domain: tables, schemas, rules and queries. Knows nothing of HTTP or Temporal."""
