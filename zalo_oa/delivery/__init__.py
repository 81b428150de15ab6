"""Getting messages to people: rendering, the outbox, the window rules, sending."""
