"""A real SMTP server on the loopback (aiosmtpd), the app pointed at it, and the people and
things that make e-mail: accounts with addresses, a directive, an incident."""

import asyncio
import datetime as dt
import email
import socket
import threading
from email import policy
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller

from district import clock
from district.directives import operations as directives
from district.incidents import operations as incidents
from district.models import User

SITE = "https://antoan.songxanh.example"
SENDER = "thongbao@songxanh.edu.vn"


class Recorder:
    """What the server received; addresses in `refuse` bounce (550 at RCPT), in `busy` are
    refused for now (450)."""

    def __init__(self):
        self.received = []
        self.refuse = set()
        self.busy = set()
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address in self.busy:
            return f"450 4.2.1 <{address}>: Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.received.append(SimpleNamespace(mail_from=envelope.mail_from,
                                                 rcpt_tos=list(envelope.rcpt_tos),
                                                 raw=envelope.original_content,
                                                 message=parsed))
        return "250 2.0.0 Ok: queued"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """Started and stopped on the same port: "down for an hour, then up again"."""

    def __init__(self):
        self.port = free_port()
        self.handler = Recorder()
        self.controller = None

    @property
    def received(self):
        return self.handler.received

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address):
        return [m for m in self.received if address in m.rcpt_tos]


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port,
            "MAIL_USE_TLS": False, "MAIL_USE_SSL": False, "MAIL_USERNAME": "",
            "MAIL_TIMEOUT": 5, "SITE_URL": SITE, "MAIL_DEFAULT_SENDER": SENDER,
            "OFFICE_NAME": "Phòng Giáo dục và Đào tạo huyện Sông Xanh"}


@pytest.fixture
def addresses(district):
    """Every account of the district gets an address (username@songxanh.edu.vn)."""
    for user in User.select():
        User.update(email=f"{user.username}@songxanh.edu.vn").where(User.id == user.id).execute()
    return {u.username: u.email for u in User.select()}


def address_of(user):
    return User.get_by_id(user.id).email


@pytest.fixture
def make_directive(district):
    counter = iter(range(1, 10_000))

    def factory(publish=True, deadline_days=7, **fields):
        n = next(counter)
        today = clock.today()
        data = {"number": f"{200 + n}/PGDĐT-CTHSSV",
                "title": f"Về việc tăng cường phòng, chống bạo lực học đường đợt {n}",
                "body": "Các trường triển khai ngay.", "signer": "Nguyễn Văn Trưởng",
                "issued_on": today - dt.timedelta(days=1),
                "deadline": today + dt.timedelta(days=deadline_days),
                "response_kind": "ack", "audience_kind": "all", **fields}
        directive = directives.create_draft(district.officer, data)
        return directives.publish(district.officer, directive) if publish else directive

    return factory


CHILD = {"name": "Hoàng Bảo Ngọc", "summary": "Học sinh lớp 4B bị bạn cùng lớp đánh bầm tím tay",
         "description": "Trong giờ ra chơi em Ngọc bị hai bạn đánh vào tay và chân.",
         "actions": "Cô chủ nhiệm đưa em lên phòng y tế và gọi điện cho mẹ em."}


@pytest.fixture
def report_incident(district):
    """An incident reported by a teacher of the preschool, naming a child."""

    def factory(actor=None, **fields):
        data = {"occurred_at": dt.datetime(2026, 11, 20, 9, 30), "place": "school_yard",
                "category": "physical", "caused_by": "student", "severity": "high",
                "sensitive": False, "summary": CHILD["summary"],
                "description": CHILD["description"], "immediate_actions": CHILD["actions"],
                **fields}
        students = [{"full_name": CHILD["name"], "class_name": "4B", "sex": "nu",
                     "birth_year": 2017, "role": "affected"}]
        actor = actor or district.staff
        return incidents.report(actor, actor.school, data, students, {})

    return factory


@pytest.fixture
def send(app):
    """One pass of the worker over the outbox, as `flask jobs` runs it (in an app context)."""
    from district.mail import sending

    def run(**options):
        with app.app_context():
            return sending.send_due(**options)

    return run
