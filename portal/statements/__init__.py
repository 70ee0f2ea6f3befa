"""Monthly hour statements (docs/domain.md §7). For now the pure parts: reading the file a
structure sends (:mod:`.reader`) and the template it can download (:mod:`.template`)."""
