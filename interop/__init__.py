"""The case as HL7 FHIR R4: one document Bundle per case, for the hospital's integration engine."""
