"""Domain events of the QAD app: what it tells the apps above it (evidence, assessment), which
it does not import. Every event, its sender and its receivers are listed in docs/events.md."""

from django.dispatch import Signal

# Answers have been carried over to a new revision from an earlier one (the next revision,
# opened for clarifications; the Final QAD, from the Initial QAD's latest): sent inside the
# transaction that creates it. Arguments: `source` and `target` (Revision), `question_ids`
# (set of the ids of the questions carried over).
answers_carried_over = Signal()

# A version move has carried a draft's answers to the questions of a new template version:
# sent inside the move's transaction, once the answers point at their new questions and before
# the answers that no question of the new version holds are deleted. Arguments: `revision`
# (Revision), `moved` ({id of the old question: id of the new one}; several old questions
# merged into one name the same new one), `copied` ({id of an old question split into several:
# ids of the new ones besides its `moved` one}), `orphaned` ({id of the old question: the
# OrphanedAnswer keeping what was written}). A receiver moves what hangs on the old questions
# (copying it to each question split from one), or records it on the orphaned answer.
answers_moved = Signal()

# A revision is about to be submitted: sent inside the submit's transaction, with the
# submission and the revision locked, before anything is written. Arguments: `submission`,
# `revision`, `answering` (True when it answers clarifications). A receiver refuses the submit
# by raising ValidationError, whose message the person sees.
revision_submitting = Signal()

# A revision has been submitted to the Code Bodies: sent inside the submit's transaction, once
# the submission is in its new state and the revision frozen. Arguments: `submission`
# (Submission), `revision` (Revision), `answering` (True when it answers clarifications).
revision_submitted = Signal()

# The agreed revision has been signed: sent inside the signing's transaction. Arguments:
# `submission` (Submission), `revision` (Revision).
revision_signed = Signal()

# A draft template version is about to become the current one: sent inside the publish's
# transaction with the version locked, before anything is written. Arguments: `template`
# (QadTemplate), `by` (User or None), `accepted_gaps` (frozenset of the codes of Code Bodies
# the admin accepts will assess questions of it with nothing to assess against for now),
# `reason` (why, as the admin gave it). A receiver refuses the publish by raising
# PublishedVersionError, whose message the admin sees.
template_publishing = Signal()
