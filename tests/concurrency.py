"""Two (or more) workers doing the same thing at the same moment, each in its own thread with
its own database connection, as two hosts would: what tests of "done once" need."""

import threading

from district.db import database


def at_once(app, work, workers=2, timeout=60):
    """Run `work()` in `workers` threads at once, each inside the app's context with its own
    connection. Returns the exceptions raised (a test asserts it is empty)."""
    errors = []

    def worker():
        try:
            with app.app_context():
                database.connect(reuse_if_open=True)
                try:
                    work()
                finally:
                    database.close()
        except Exception as exc:  # noqa: BLE001 - returned to the test
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return errors
