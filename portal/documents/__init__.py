"""Documents the portal produces: PDFs, spreadsheets, and e-mails with their
notifications."""
