"""The offline tutor (no Qt here): engine, prompts, retrieval, models."""
