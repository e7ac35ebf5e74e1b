from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..forms import BLANK, Form, choices
from ..i18n import lazy_gettext as _l
from .vocabulary import MEMBER_GROUP_LABELS, TEAM_ROLE_LABELS


class MemberForm(Form):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=150)])
    position = StringField(_l("Chức vụ"), validators=[Length(max=150)])
    team_role = SelectField(_l("Vai trò trong tổ"), choices=choices(TEAM_ROLE_LABELS, blank=BLANK),
                            validators=[DataRequired()])
    member_group = SelectField(_l("Nhóm thành viên"),
                               choices=choices(MEMBER_GROUP_LABELS, blank=BLANK),
                               validators=[DataRequired()])
    phone = StringField(_l("Điện thoại"), validators=[Length(max=40)])
    email = StringField(_l("Thư điện tử"), validators=[Optional(), Email(), Length(max=200)])
    trained = BooleanField(_l("Đã tập huấn tư vấn tâm lý học đường"))
    trained_on = DateField(_l("Ngày tập huấn"), validators=[Optional()])
    version = IntegerField(validators=[Optional()])

    def member_data(self):
        return {name: getattr(self, name).data for name in (
            "full_name", "position", "team_role", "member_group", "phone", "email", "trained",
            "trained_on")}


class VersionForm(Form):
    version = IntegerField(validators=[Optional()])


class UploadForm(Form):
    file = FileField(_l("Tệp XLSX hoặc CSV"), validators=[FileRequired()])


class ConfirmForm(Form):
    file_id = HiddenField(validators=[DataRequired()])
    # The roster version current when the preview was shown (0: none yet).
    version = HiddenField(validators=[DataRequired()])


class RuleSetForm(Form):
    rule_set = SelectField(_l("Bộ quy tắc đang áp dụng"), choices=[])
