"""Evidence files, their storage, scanning and reuse (built on the QAD's evidence types)."""
