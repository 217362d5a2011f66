"""Security suite: refusals, fuzzing and log redaction against the live embed routes."""
