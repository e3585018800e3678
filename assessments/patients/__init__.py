"""The patient: one person by hospital number, their identity check when a case is saved, and their page."""
