"""Where the project's files are, independent of the working directory."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_FILE = PROJECT_ROOT / "data" / "knowledge" / "vertebroplasty.yml"
CLINIC_FILE = PROJECT_ROOT / "clinic.yml"
SOURCES_DIR = PROJECT_ROOT / "data" / "knowledge" / "sources"
