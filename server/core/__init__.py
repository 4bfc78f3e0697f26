"""Shared machinery: column types and mixins, schemas, pagination, permissions."""
