"""Security suite: refusals, fuzzing and log redaction against the live embed routes."""

# Every refusal code SPEC "Embedding (CONTRACT)" and its revocation rules name.
SPEC_CODES = frozenset(
    {
        "token_missing", "token_malformed", "token_bad_signature", "token_algorithm",
        "token_expired", "token_not_yet_valid", "token_exp_missing", "token_exp_too_far",
        "token_wrong_organization", "token_wrong_dashboard", "embedding_disabled",
        "unknown_variable", "invalid_variable_value", "variable_locked", "missing_variable",
        "token_too_large", "not_found", "legacy_disabled", "token_revoked",
    }
)  # fmt: skip
