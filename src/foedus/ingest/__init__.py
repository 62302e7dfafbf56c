"""Importers: one module per dataset, each one transaction."""
