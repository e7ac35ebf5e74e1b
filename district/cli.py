"""`flask --app app ...` commands: init-db, seed, create-user, backup, restore, recount, and
`jobs run` / `jobs loop` (the worker: district/jobs.py)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from . import backup, db, seeding
from .vocabulary import ROLES


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Apply pending database migrations (never create_tables at start-up)."""
    applied = db.migrate()
    if applied:
        for name in applied:
            click.echo(f"applied: {name}")
    else:
        click.echo("database schema is up to date")


@click.command("seed")
@click.option("--reset", is_flag=True, help="Wipe all data and load the demo district again.")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no school yet.")
@with_appcontext
def seed_command(reset, if_empty):
    """Load the demo district from seeds/ (idempotent)."""
    password = current_app.config["DEMO_PASSWORD"]
    with db.database.connection_context():
        if if_empty and not seeding.is_empty():
            click.echo("demo data already present; nothing loaded")
            return
        report = seeding.load_demo(reset=reset)
    for line in report:
        click.echo(line)
    click.echo(f"demo password for every demo account (demo only!): {password}")


@click.command("create-user")
@click.option("--username", prompt=True)
@click.option("--full-name", prompt=True)
@click.option("--role", type=click.Choice(ROLES), prompt=True)
@click.option("--school", "school_code", default="", help="School code, for principal and staff.")
@click.option("--email", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_user_command(username, full_name, role, school_code, email, password):
    """Create an account for a real deployment (it must change its password at first sign-in)."""
    from .admin.operations import create_user
    from .admin.values import AdminError

    with db.database.connection_context():
        try:
            user = create_user(
                actor=None,
                data={"username": username, "full_name": full_name, "role": role,
                      "school_code": school_code, "email": email, "phone": ""},
                password=password,
            )
        except AdminError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"created {user.username} ({user.role})")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(target):
    """Write one archive (tar.gz) of the database and every uploaded file to TARGET.

    SQLite is copied online and consistently (its backup API); PostgreSQL with pg_dump, which
    must be installed (the PostgreSQL client of the server's version)."""
    try:
        summary = backup.write_archive(target)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {target}: {summary}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the database and files without asking.")
@with_appcontext
def restore_command(source, yes):
    """Bring back the database and the uploaded files from an archive written by `backup`.

    Everything in this instance's database is replaced; stop the app (every worker) first."""
    if not yes:
        click.confirm(f"Replace this instance's database and uploaded files with {source}?",
                      abort=True)
    try:
        summary = backup.restore_archive(source)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored from {source}: {summary}")


@click.command("recount")
@with_appcontext
def recount_command():
    """Recompute the counts kept for lists and statistics (directives and schools from the
    recipients, incidents by month) from the rows on file: after a repair by hand or a bulk
    load; the application keeps them itself otherwise."""
    from .directives import tallies as directive_tallies
    from .incidents import tallies as incident_tallies

    with db.database.connection_context():
        for name, tallies in (("directives", directive_tallies),
                              ("incidents", incident_tallies)):
            drift = tallies.drift()
            tallies.rebuild()
            click.echo(f"{name}: {len(drift)} count(s) had drifted, recomputed"
                       if drift else f"{name}: every count was exact")
            for line in drift[:20]:
                click.echo(f"  {line}")


@click.group("jobs")
def jobs_group():
    """Work done outside any request: e-mail, the daily digest (district/jobs.py)."""


def _log_to_stderr():
    """The worker's messages (and, without MAIL_SERVER, the e-mails themselves) on stderr."""
    import logging

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("district.mail", "district.jobs"):
        logging.getLogger(name).setLevel(logging.INFO)


@jobs_group.command("run")
@with_appcontext
def jobs_run_command():
    """Do once what is due (scheduled jobs, e-mail to send) and exit: for cron or a timer."""
    from . import jobs

    _log_to_stderr()
    with db.database.connection_context():
        results = jobs.run_due()
    for what, summary in results.items():
        click.echo(f"{what}: {summary}")


@jobs_group.command("loop")
@click.option("--interval", type=click.IntRange(1, 3600), default=None,
              help="Seconds between passes (default JOBS_INTERVAL, 30).")
@with_appcontext
def jobs_loop_command(interval):
    """Keep doing what is due, a pass every few seconds, until SIGTERM or Ctrl-C."""
    import threading

    from . import jobs

    _log_to_stderr()
    stop = threading.Event()
    jobs.stop_on_signals(stop)
    click.echo(f"jobs: worker started (a pass every "
               f"{interval or current_app.config['JOBS_INTERVAL']} s)", err=True)
    jobs.loop(interval, stop)
    click.echo("jobs: worker stopped", err=True)


def init_app(app):
    for command in (init_db_command, seed_command, create_user_command, backup_command,
                    restore_command, recount_command, jobs_group):
        app.cli.add_command(command)
