from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..forms import Form, Select, choices
from ..i18n import lazy_gettext as _l
from ..vocabulary import LEVEL_LABELS, OWNERSHIP_LABELS, ROLE_LABELS


class SchoolForm(Form):
    code = StringField(_l("Mã trường"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Tên trường"), validators=[DataRequired(), Length(max=200)])
    level = SelectField(_l("Cấp học"), choices=choices(LEVEL_LABELS))
    ownership = SelectField(_l("Loại hình"), choices=choices(OWNERSHIP_LABELS))
    commune = StringField(_l("Xã/phường"), validators=[Length(max=120)])
    address = StringField(_l("Địa chỉ"), validators=[Length(max=300)])
    phone = StringField(_l("Điện thoại"), validators=[Length(max=40)])


class SchoolImportForm(Form):
    file = FileField(_l("Tệp CSV hoặc XLSX"), validators=[FileRequired()])


class UserForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=80)])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=150)])
    role = SelectField(_l("Vai trò"), choices=choices(ROLE_LABELS))
    # Picked among the schools found by name or code (templates/_partials/school_picker.html).
    school_id = HiddenField(_l("Trường"))
    email = StringField(_l("Thư điện tử"), validators=[Optional(), Email(), Length(max=200)])
    phone = StringField(_l("Điện thoại"), validators=[Length(max=40)])


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    actor = StringField(_l("Người thực hiện"), validators=[Optional()])
    # A code or a group's prefix (admin.queries.audit_action_choices); any other value finds
    # nothing, never an error.
    action = SelectField(_l("Thao tác"), choices=[], validate_choice=False, widget=Select())
    date_from = DateField(_l("Từ ngày"), validators=[Optional()])
    date_to = DateField(_l("Đến ngày"), validators=[Optional()])
