"""Where the project's files are, independent of the working directory."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_FILE = PROJECT_ROOT / "data" / "knowledge" / "vertebroplasty.yml"
CLINIC_FILE = PROJECT_ROOT / "clinic.yml"
SOURCES_DIR = PROJECT_ROOT / "data" / "knowledge" / "sources"
# files the servers and the staff commands create (databases, logs, exports)
# are readable by their user only
PRIVATE_UMASK = 0o077
