from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..forms import Form, choices
from ..i18n import LANGUAGES


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
