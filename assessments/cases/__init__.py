"""The case pages: entering, saving, listing, importing and exporting a case."""
