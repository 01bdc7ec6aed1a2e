"""The case file: one appeal as a PDF (registration, timeline, answers, documents) and a ZIP of
its documents, for the applicant and the staff who may read it (APPK: the applicant's right to
see the materials of their case)."""
