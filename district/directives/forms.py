from flask_babel import lazy_gettext as _l
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
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form, choices
from ..vocabulary import LEVEL_LABELS, OWNERSHIP_LABELS
from .vocabulary import AUDIENCE_LABELS, RESPONSE_LABELS

# The longest directive body (Markdown), in characters.
BODY_MAX = 50_000


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


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
    audience_kind = RadioField(_l("Đối tượng nhận"), choices=choices(AUDIENCE_LABELS),
                               default="all")
    audience_levels = CheckboxesField(_l("Cấp học"), choices=choices(LEVEL_LABELS))
    audience_ownerships = CheckboxesField(_l("Loại hình"), choices=choices(OWNERSHIP_LABELS))
    audience_school_ids = SelectMultipleField(_l("Các trường nhận"), choices=[],
                                              validate_choice=False)
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
