"""Adapters that read outside formats into core objects (files in, arrays out)."""
