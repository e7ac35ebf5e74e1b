"""Forms of activities: a school's activity (its named attendees are the school's accounts), the
office's training (its attendees are lines "school code, full name"), and the head counts.

What a form may refer to (head counts, directives the school received, accounts, schools) is
asked of `checks` (queries.Checks), given by the view; every refusal is a translated message on
its field, and everything typed is shown back.
"""

import decimal

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .. import clock
from ..forms import BLANK, Form, choices
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..text import clean
from ..web import parse_id
from . import years
from .vocabulary import (
    GROUP_LABELS,
    GROUPS,
    KIND_LABELS,
    MAX_COUNT,
    PRESENTER_LABELS,
    STAFF_GROUPS,
)

MAX_ATTENDEE_LINES = 2000
MAX_HOURS = 500


class HoursField(DecimalField):
    """Hours with a decimal comma or point ("1,5" or "1.5"); only finite numbers."""

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)
        if isinstance(self.data, decimal.Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(_("Số giờ không hợp lệ."))


def _count_field(group):
    return IntegerField(GROUP_LABELS[group], default=0, validators=[
        Optional(),
        NumberRange(min=0, message=_l("Số người không được âm.")),
        NumberRange(max=MAX_COUNT, message=_l("Số người quá lớn.")),
    ])


def _ids(values):
    """The row ids among what was sent (anything else is no row: id 0)."""
    return [parse_id(v) for v in values or []]


class ActivityForm(Form):
    kind = SelectField(_l("Loại hoạt động"), choices=choices(KIND_LABELS, blank=BLANK),
                       validators=[DataRequired(message=_l("Chọn loại hoạt động."))])
    held_on = DateField(_l("Ngày tổ chức"), validators=[
        DataRequired(message=_l("Nhập ngày tổ chức (ngày/tháng/năm)."))])
    title = StringField(_l("Tên hoạt động"), validators=[
        DataRequired(message=_l("Nhập tên hoạt động.")), Length(max=300)])
    directive_ids = SelectMultipleField(_l("Văn bản thực hiện"), choices=[],
                                        validate_choice=False)
    presenter = SelectField(_l("Người trình bày"), choices=choices(PRESENTER_LABELS, blank=BLANK),
                            validators=[DataRequired(message=_l("Chọn người trình bày."))])
    presenter_name = StringField(_l("Tên báo cáo viên, đơn vị"), validators=[Length(max=200)])
    sessions = IntegerField(_l("Số buổi"), default=1, validators=[
        InputRequired(message=_l("Nhập số buổi.")),
        NumberRange(min=1, max=100, message=_l("Số buổi từ 1 đến 100."))])
    hours = HoursField(_l("Số giờ"), places=1, validators=[
        Optional(), NumberRange(min=0, max=MAX_HOURS, message=_l("Số giờ từ 0 đến 500."))])
    managers = _count_field("managers")
    teachers = _count_field("teachers")
    employees = _count_field("employees")
    parents = _count_field("parents")
    students = _count_field("students")
    summary = TextAreaField(_l("Nội dung chính"), validators=[Length(max=5000)])
    minutes = MultipleFileField(_l("Biên bản (PDF, ảnh, DOCX)"))
    attendance = MultipleFileField(_l("Danh sách ký tên tham dự (PDF, ảnh, DOCX)"))
    remove_files = SelectMultipleField(_l("Bỏ tệp"), choices=[], validate_choice=False)
    version = HiddenField()

    checks = None  # queries.Checks, set by the view

    def validate_held_on(self, field):
        if field.data is None:
            return
        if field.data > clock.today():
            raise ValidationError(_("Ngày tổ chức không thể ở tương lai (hôm nay là %(today)s).",
                           today=clock.today().strftime("%d/%m/%Y")))
        if field.data.year < years.EARLIEST:
            raise ValidationError(_("Ngày tổ chức không hợp lệ."))

    def validate_directive_ids(self, field):
        ids = _ids(field.data)
        if not ids:
            return
        if 0 in ids or (self.checks and self.checks.foreign_directives(ids)):
            raise ValidationError(_("Chỉ chọn văn bản chỉ đạo đã gửi tới trường; có văn bản "
                                    "không thuộc danh sách này."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return self._within_head_counts() and valid

    def _within_head_counts(self):
        """A staff group counted above the school's head count for the activity's school year
        is refused on its field (where the head counts are known)."""
        day = self.held_on.data
        if self.checks is None or day is None:
            return True
        head = self.checks.head_count(day)
        if head is None:
            return True
        ok = True
        for group in STAFF_GROUPS:
            field = getattr(self, group)
            limit = getattr(head, group)
            if isinstance(field.data, int) and not field.errors and field.data > limit:
                field.errors.append(_(
                    "Vượt số %(group)s của trường năm học %(year)s (%(n)d người). Sửa số người dự "
                    "hoặc cập nhật số cán bộ, giáo viên, nhân viên của trường.",
                    group=str(GROUP_LABELS[group]).lower(), year=years.label(head.school_year),
                    n=limit))
                ok = False
        return ok

    def values(self):
        """The activity's own fields, cleaned."""
        data = {name: getattr(self, name).data for name in (
            "kind", "held_on", "presenter", "sessions", *GROUPS)}
        data["title"] = clean(self.title.data)
        data["presenter_name"] = clean(self.presenter_name.data)
        data["summary"] = (self.summary.data or "").strip()
        data["hours"] = float(self.hours.data) if self.hours.data is not None else 0.0
        for group in GROUPS:
            data[group] = data[group] or 0
        return data

    def directives(self):
        return sorted(set(_ids(self.directive_ids.data)) - {0})

    def removed_files(self):
        return sorted(set(_ids(self.remove_files.data)) - {0})

    def uploads(self):
        """{kind: [FileStorage]} of the files chosen (empty inputs left out)."""
        return {kind: [f for f in (getattr(self, kind).data or []) if f and f.filename]
                for kind in ("minutes", "attendance")}


class SchoolActivityForm(ActivityForm):
    attendee_ids = SelectMultipleField(_l("Người dự có tài khoản trên hệ thống"), choices=[],
                                       validate_choice=False)

    def validate_attendee_ids(self, field):
        ids = _ids(field.data)
        if ids and (0 in ids or (self.checks and self.checks.foreign_accounts(ids))):
            raise ValidationError(_("Chỉ chọn tài khoản của trường; có người không thuộc trường."))

    def attendees(self):
        """[{"user_id"}] of the accounts chosen."""
        return [{"user_id": i} for i in sorted(set(_ids(self.attendee_ids.data)) - {0})]


class OfficeTrainingForm(ActivityForm):
    counseling = BooleanField(_l("Tập huấn tư vấn tâm lý cho tổ tư vấn (người dự được ghi là "
                                 "đã tập huấn trong danh sách tổ tư vấn của trường)"))
    attendee_lines = TextAreaField(_l("Người dự: mỗi dòng một người, “mã trường, họ và tên”"),
                                   validators=[Length(max=200_000)])

    parsed = ()

    def validate_attendee_lines(self, field):
        """Each line "CODE, Full Name" (a tab or a semicolon also separates): every school code
        known, every name given; problems named by line. Text already refused (too long,
        control characters) is not read."""
        if field.errors:
            return
        lines = [(n, line.strip()) for n, line in enumerate(
            (field.data or "").splitlines(), start=1) if line.strip()]
        if len(lines) > MAX_ATTENDEE_LINES:
            raise ValidationError(_("Tối đa %(n)d người mỗi lần.", n=MAX_ATTENDEE_LINES))
        rows, problems = [], []
        for number, line in lines:
            code, name = _split(line)
            if not name:
                problems.append((number, _(
                    "Dòng %(n)d: thiếu họ và tên (ghi “mã trường, họ và tên”).", n=number)))
            rows.append((number, code, name))
        schools = self.checks.schools_by_code(c for _n, c, _name in rows) if self.checks else {}
        for number, code, name in rows:
            if name and code.upper() not in schools:
                problems.append((number, _("Dòng %(n)d: không có trường mã “%(code)s”.",
                                           n=number, code=code[:40])))
        if problems:
            shown = [message for _number, message in sorted(problems)[:10]]
            if len(problems) > len(shown):
                shown.append(_("và %(n)d lỗi khác.", n=len(problems) - len(shown)))
            raise ValidationError(" ".join(shown))
        seen, parsed = set(), []
        for _number, code, name in rows:
            school = schools[code.upper()]
            key = (school.id, name.lower())
            if key not in seen:
                seen.add(key)
                parsed.append({"school_id": school.id, "full_name": name})
        self.parsed = parsed

    def attendees(self):
        return list(self.parsed)


def _split(line):
    for separator in ("\t", ";", ","):
        if separator in line:
            code, _sep, name = line.partition(separator)
            return code.strip(), clean(name)[:150]
    return line.strip(), ""


class StaffCountForm(Form):
    school_year = SelectField(_l("Năm học"), choices=[], validate_choice=False)
    managers = IntegerField(_l("Cán bộ quản lý"), validators=[
        InputRequired(message=_l("Nhập số cán bộ quản lý.")),
        NumberRange(min=0, message=_l("Số người không được âm.")),
        NumberRange(max=MAX_COUNT, message=_l("Số người quá lớn."))])
    teachers = IntegerField(_l("Giáo viên"), validators=[
        InputRequired(message=_l("Nhập số giáo viên.")),
        NumberRange(min=0, message=_l("Số người không được âm.")),
        NumberRange(max=MAX_COUNT, message=_l("Số người quá lớn."))])
    employees = IntegerField(_l("Nhân viên và người lao động"), validators=[
        InputRequired(message=_l("Nhập số nhân viên và người lao động.")),
        NumberRange(min=0, message=_l("Số người không được âm.")),
        NumberRange(max=MAX_COUNT, message=_l("Số người quá lớn."))])

    def validate_school_year(self, field):
        if years.parse(field.data) is None:
            raise ValidationError(_("Chọn năm học."))

    def counts(self):
        return {g: getattr(self, g).data for g in STAFF_GROUPS}
