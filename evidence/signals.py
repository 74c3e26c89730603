"""Domain events of the evidence app: what it tells the apps above it (assessment), which it
does not import. Every event, its sender and its receivers are listed in docs/events.md."""

from django.dispatch import Signal

# A stored file's checks (malware, personal data) have finished: sent inside the transaction
# that records them. Arguments: `stored_file` (StoredFile), `revision_ids` (set of the ids of
# the revisions that link it).
file_checked = Signal()
