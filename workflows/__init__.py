"""Temporal: workflow classes (orchestration only), activities (thin adapters over services), the worker."""
