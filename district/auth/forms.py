from wtforms import HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..forms import Form, choices
from ..i18n import LANGUAGES
from ..i18n import lazy_gettext as _l
from ..mail.preferences import CHOICE_LABELS


class LoginForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired()])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired()])
    next = HiddenField()


def strong_password(form, field):
    value = field.data or ""
    if not (any(c.isalpha() for c in value) and any(c.isdigit() for c in value)):
        raise ValidationError(_l("Mật khẩu phải có cả chữ và số."))


class ChangePasswordForm(Form):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired()])
    new = PasswordField(
        _l("Mật khẩu mới"),
        validators=[
            DataRequired(),
            Length(min=8, message=_l("Mật khẩu mới phải có ít nhất 8 ký tự.")),
            strong_password,
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(), EqualTo("new", message=_l("Hai mật khẩu mới không khớp."))],
    )


class LanguageForm(Form):
    locale = SelectField(_l("Ngôn ngữ"), choices=choices(LANGUAGES))
    next = HiddenField()


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class MailSettingsForm(Form):
    """The account's own address and how it gets its notifications by e-mail."""

    email = StringField(_l("Địa chỉ thư điện tử"), filters=[_stripped], validators=[
        Optional(), Length(max=200),
        # An address every mail server takes (no SMTPUTF8 needed for it).
        Email(allow_smtputf8=False,
              message=_l("Địa chỉ thư điện tử không hợp lệ (ví dụ đúng: ten@truong.edu.vn)."))])
    email_choice = RadioField(_l("Nhận thông báo qua thư điện tử"),
                              choices=choices(CHOICE_LABELS),
                              validators=[DataRequired(message=_l("Hãy chọn một cách nhận thư."))])
