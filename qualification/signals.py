"""Domain events of the qualification app: what it tells the apps above it, which it does not
import. Every event, its sender and its receivers are listed in docs/events.md."""

from django.dispatch import Signal

# A qualification has entered a state of its lifecycle: sent inside the move's transaction,
# once the new state is saved. Arguments: `qualification` (Qualification), `state`
# (QualificationState). A receiver may refuse the move by raising TransitionNotAllowed;
# the whole move is then undone.
qualification_entered = Signal()

# A fact that conditional QAD questions depend on has changed (Qualification.conditions):
# sent inside the transaction that saved it. Arguments: `qualification` (Qualification).
conditions_changed = Signal()
