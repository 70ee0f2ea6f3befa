"""Request plumbing: htmx rendering, forms and their flow, pagination and query-string
parsing, error pages and security headers. Nothing here knows the domain."""
