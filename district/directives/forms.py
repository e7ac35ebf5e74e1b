from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import Form, choices
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..vocabulary import LEVEL_LABELS, OWNERSHIP_LABELS
from ..web import parse_id
from .schedule import DEFAULT_TEXT, format_days
from .vocabulary import AUDIENCE_LABELS, CHANNEL_LABELS, RESPONSE_LABELS

# The longest directive body (Markdown), in characters.
BODY_MAX = 50_000
# The most schools one directive is sent to by name (a district has a few thousand at most).
MAX_CHOSEN = 10_000


def school_ids(values, limit=None):
    """The school ids the chooser posts, in order and without repeats: each value is one id or
    ids joined by commas (past its first chips the chooser sends the chosen schools in one
    value, so a form with thousands chosen stays a few parts). Anything that is not an id is
    dropped; at most `limit` ids are read."""
    ids, seen = [], set()
    for value in values or ():
        for part in str(value).split(","):
            school_id = parse_id(part)
            if school_id and school_id not in seen:
                seen.add(school_id)
                ids.append(school_id)
                if limit is not None and len(ids) >= limit:
                    return ids
    return ids


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SchoolIdsField(SelectMultipleField):
    """The chosen schools (audience "list"), as the chooser posts them (`school_ids`); rendered
    by templates/directives/_chooser.html, not by WTForms."""

    def process_formdata(self, valuelist):
        ids = school_ids(valuelist, limit=MAX_CHOSEN + 1)
        self.too_many = len(ids) > MAX_CHOSEN
        self.data = [str(i) for i in ids[:MAX_CHOSEN]]

    def pre_validate(self, form):
        if getattr(self, "too_many", False):
            raise ValidationError(_("Chọn tối đa %(n)d trường.", n=MAX_CHOSEN))


class ReminderDaysField(StringField):
    """The reminder schedule as typed ("-3, 0, 1, 3", read by schedule.parse when saved); a
    directive's list of steps is shown the same way."""

    def _value(self):
        if isinstance(self.data, list | tuple):
            return format_days(self.data)
        return super()._value()


class DirectiveForm(Form):
    number = StringField(_l("Số hiệu"), validators=[DataRequired(), Length(max=80)])
    title = StringField(_l("Trích yếu"), validators=[DataRequired(), Length(max=500)])
    body = TextAreaField(_l("Nội dung (Markdown)"), validators=[Optional(),
                                                                Length(max=BODY_MAX)])
    signer = StringField(_l("Người ký"), validators=[Optional(), Length(max=150)])
    issued_on = DateField(_l("Ngày ban hành"), validators=[DataRequired()])
    deadline = DateField(_l("Hạn xác nhận"), validators=[DataRequired()])
    response_kind = RadioField(_l("Yêu cầu phản hồi"), choices=choices(RESPONSE_LABELS),
                               default="ack")
    personal_confirmation = BooleanField(
        _l("Mọi cán bộ, giáo viên, nhân viên xác nhận đã đọc (từng tài khoản của trường)"))
    reminder_days = ReminderDaysField(_l("Lịch nhắc việc tự động (số ngày so với hạn)"),
                                      validators=[Optional(), Length(max=200)],
                                      default=DEFAULT_TEXT)
    audience_kind = RadioField(_l("Đối tượng nhận"), choices=choices(AUDIENCE_LABELS),
                               default="all")
    audience_levels = CheckboxesField(_l("Cấp học"), choices=choices(LEVEL_LABELS))
    audience_ownerships = CheckboxesField(_l("Loại hình"), choices=choices(OWNERSHIP_LABELS))
    audience_school_ids = SchoolIdsField(_l("Các trường nhận"), choices=[],
                                         validate_choice=False)
    # Who receives it for information only ("để biết"): by level, or schools named by code.
    info_levels = CheckboxesField(_l("Các cấp học nhận để biết"), choices=choices(LEVEL_LABELS))
    info_codes = TextAreaField(_l("Mã các trường nhận để biết (cách nhau bởi dấu phẩy)"),
                               validators=[Optional(), Length(max=8000)])
    # The version the form was opened at (optimistic locking).
    version = HiddenField()
    attachments = MultipleFileField(_l("Tệp đính kèm (PDF, DOCX, XLSX; tối đa 20 MB mỗi tệp)"))


class RevisionForm(DirectiveForm):
    summary = TextAreaField(_l("Nội dung sửa đổi (nhà trường sẽ thấy)"),
                            validators=[DataRequired(), Length(max=2000)])
    requires_reack = BooleanField(_l("Yêu cầu các trường xác nhận lại"))


class AcknowledgeForm(Form):
    note = TextAreaField(_l("Ghi chú (không bắt buộc)"), validators=[Optional(),
                                                                     Length(max=2000)])
    report = FileField(_l("Văn bản báo cáo (PDF, DOCX, XLSX)"))
    # A directive to disseminate: the school's quán triệt activity that carried it out.
    activity = StringField(_l("Hoạt động quán triệt đã tổ chức"),
                           validators=[Optional(), Length(max=200)])


class ProxyAcknowledgeForm(Form):
    """An officer records the acknowledgement a school gave by phone or on paper."""

    channel = RadioField(_l("Nhà trường đã xác nhận"), choices=choices(CHANNEL_LABELS),
                         default="phone")
    reason = TextAreaField(_l("Lý do xác nhận thay (bắt buộc; nhà trường sẽ thấy)"),
                           validators=[Length(max=2000)])


class ReviewForm(Form):
    """An officer accepts or returns a school's response."""

    comment = TextAreaField(_l("Nhận xét (bắt buộc khi trả lại; nhà trường sẽ thấy)"),
                            validators=[Optional(), Length(max=2000)])


class RespondForm(AcknowledgeForm):
    """The school sends its response again (after a return), or for the first time after an
    officer acknowledged on its behalf."""
