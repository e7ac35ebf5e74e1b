"""E-mail, sent outside any request (docs/decisions/email-outbox.md).

- `preferences`: how each account wants its notifications by e-mail (at once, a daily digest,
  none) and the default of each role.
- `outbox`: the outbox table's life: a notification queues its e-mail in the transaction that
  writes it; a worker claims each message alone, sends it, and records sent, retry (with
  backoff) or failure.
- `digest`: what the daily digest of one account says.
- `compose`: one outbox message as an e-mail (text and HTML, in the reader's language, with an
  unsubscribe link); never a word about a child.
- `transport`: SMTP (the standard library), or the log when MAIL_SERVER is unset.
- `sending`: one pass of the worker over the messages due.
- `tokens`: the signed unsubscribe link.

This package imports nothing at its top, so any feature may import one of its modules.
"""
