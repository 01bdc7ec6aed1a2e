"""The prosecutors' audit of answers: verdicts, violations and acts of response."""
