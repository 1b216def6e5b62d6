"""The counsellor console: accounts, the queue page, conversations, the supervisor
dashboard and (in sandbox mode) a phone simulator."""
