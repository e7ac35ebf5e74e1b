"""Forms of reviews: launching a round, a school's answer to one criterion (one form per
criterion, each with its own prefix so a page of them has unique ids), the office's decision
and closing an improvement action. Every refusal is a translated message on its field, and
everything typed is shown back.

The per-criterion and per-action forms carry the page's CSRF token as a plain `csrf_token`
field (CSRFProtect checks every POST), so they have no prefixed token of their own.
"""

from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..directives.forms import CheckboxesField, ReminderDaysField
from ..directives.vocabulary import AUDIENCE_LABELS
from ..forms import Form, choices
from ..i18n import lazy_gettext as _l
from ..reminder_schedule import DEFAULT_TEXT
from ..vocabulary import LEVEL_LABELS, OWNERSHIP_LABELS
from ..web import parse_id
from .vocabulary import VERDICT_LABELS


class LaunchForm(Form):
    title = StringField(_l("Tên đợt rà soát"), validators=[
        DataRequired(message=_l("Nhập tên đợt rà soát.")), Length(max=300)])
    criteria_code = SelectField(_l("Bộ tiêu chí"), choices=[], validate_choice=False,
                                validators=[DataRequired(message=_l("Chọn bộ tiêu chí."))])
    audience_kind = RadioField(_l("Các trường rà soát"), choices=choices(AUDIENCE_LABELS),
                               default="all")
    audience_levels = CheckboxesField(_l("Cấp học"), choices=choices(LEVEL_LABELS))
    audience_ownerships = CheckboxesField(_l("Loại hình"), choices=choices(OWNERSHIP_LABELS))
    audience_school_ids = CheckboxesField(_l("Các trường được chọn"), choices=[],
                                          validate_choice=False)
    deadline = DateField(_l("Hạn nộp"), validators=[
        DataRequired(message=_l("Nhập hạn nộp (ngày/tháng/năm)."))])
    directive_id = SelectField(_l("Thực hiện văn bản chỉ đạo (không bắt buộc)"), choices=[],
                               validate_choice=False)
    # As typed; read by reminder_schedule.parse in operations.launch_round.
    reminder_days = ReminderDaysField(_l("Lịch nhắc việc tự động (số ngày so với hạn)"),
                                      validators=[Optional(), Length(max=200)],
                                      default=DEFAULT_TEXT)

    def values(self):
        return {"title": self.title.data, "criteria_code": self.criteria_code.data,
                "audience_kind": self.audience_kind.data or "all",
                "audience_levels": [v for v in self.audience_levels.data or []
                                    if v in LEVEL_LABELS],
                "audience_ownerships": [v for v in self.audience_ownerships.data or []
                                        if v in OWNERSHIP_LABELS],
                "audience_school_ids": [parse_id(v) for v in self.audience_school_ids.data or []
                                        if parse_id(v)],
                "deadline": self.deadline.data,
                "directive_id": parse_id(self.directive_id.data) or None,
                "reminder_days": self.reminder_days.data}


def launch_form(**kwargs):
    form = LaunchForm(**kwargs)
    form.directive_id.choices = choices([], blank=_l("— Không gắn văn bản —"))
    return form


class AnswerForm(Form):
    verdict = RadioField(_l("Đánh giá"), choices=choices(VERDICT_LABELS), validate_choice=False,
                         validators=[Optional()])
    comment = TextAreaField(_l("Nhận xét, mô tả thực trạng"), validators=[Length(max=4000)])
    action_what = TextAreaField(_l("Biện pháp khắc phục: việc gì"),
                                validators=[Length(max=4000)])
    action_who = StringField(_l("Ai thực hiện"), validators=[Length(max=200)])
    action_due = DateField(_l("Hạn hoàn thành"), validators=[Optional()])
    evidence = MultipleFileField(_l("Thêm minh chứng (PDF, ảnh, DOCX, XLSX)"))
    remove_evidence = SelectMultipleField(_l("Bỏ minh chứng"), choices=[],
                                          validate_choice=False)

    def values(self):
        return {"verdict": self.verdict.data or "", "comment": self.comment.data or "",
                "action_what": self.action_what.data or "",
                "action_who": self.action_who.data or "", "action_due": self.action_due.data}

    def removed(self):
        return [i for i in (parse_id(v) for v in self.remove_evidence.data or []) if i]


def answer_form(criterion, formdata=None, data=None):
    """The form of one criterion (prefix "c<id>-"): as posted, or filled with `data`."""
    kwargs = {"prefix": f"c{criterion.id}-", "meta": {"csrf": False}}
    if data is not None:
        return AnswerForm(formdata=None, data=data, **kwargs)
    return AnswerForm(formdata=formdata, **kwargs) if formdata is not None else AnswerForm(
        **kwargs)


class CloseActionForm(Form):
    note = TextAreaField(_l("Đã làm gì"), validators=[Length(max=4000)])
    evidence = FileField(_l("Minh chứng đã hoàn thành (PDF, ảnh, DOCX, XLSX)"))


def close_form(action, formdata=None):
    kwargs = {"prefix": f"a{action.id}-", "meta": {"csrf": False}}
    return CloseActionForm(formdata=formdata, **kwargs) if formdata is not None else (
        CloseActionForm(formdata=None, **kwargs))


class DecideForm(Form):
    note = TextAreaField(_l("Nhận xét chung (không bắt buộc)"), validators=[Length(max=4000)])
    version = HiddenField()


