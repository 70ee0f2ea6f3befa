"""The framework convention as the portal applies it: its periods and price grids
(``periods``) and the payee block of the invoices (``payee``), kept by AMOI admins."""
