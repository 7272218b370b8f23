"""Rasa server plug-ins configured in endpoints.yml: tracker store, lock store."""
