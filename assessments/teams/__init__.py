"""Care teams, sharing a case with one, and handing a case over: their pages, forms and audit receivers."""
