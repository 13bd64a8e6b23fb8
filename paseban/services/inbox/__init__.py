"""The inbox: citizen messages on the accounts an actor works, the quick actions on them, and the
review queue."""
