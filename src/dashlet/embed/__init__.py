"""Signed embedding: verify and explain tokens, sign URLs, write snippets, count usage, revoke."""
