"""Custom actions: one module per feature, one class per action."""
