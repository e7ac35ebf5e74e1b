import datetime as dt

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from .. import clock
from ..forms import BLANK, Form, SubForm, choices
from ..i18n import lazy_gettext as _l
from .vocabulary import (
    AGENCY_LABELS,
    CATEGORY_LABELS,
    CAUSER_LABELS,
    OUTCOME_LABELS,
    PLACE_LABELS,
    SEVERITY_LABELS,
    SEX_LABELS,
    STUDENT_ROLE_LABELS,
)

MAX_STUDENTS = 30


class StudentForm(SubForm):
    """One student concerned; a row left wholly empty is ignored."""

    full_name = StringField(_l("Họ và tên"), validators=[Length(max=150)])
    class_name = StringField(_l("Lớp"), validators=[Length(max=40)])
    sex = SelectField(_l("Giới tính"), choices=choices(SEX_LABELS, blank=BLANK),
                      validate_choice=False)
    birth_year = IntegerField(_l("Năm sinh"), validators=[Optional(), NumberRange(1990, 2030)])
    role = SelectField(_l("Vai trò trong vụ việc"),
                       choices=choices(STUDENT_ROLE_LABELS, blank=BLANK), validate_choice=False)

    def is_blank(self):
        return not any(((self.full_name.data or "").strip(), (self.class_name.data or "").strip(),
                        self.sex.data, self.birth_year.data, self.role.data))

    def validate_full_name(self, field):
        if not self.is_blank() and not (field.data or "").strip():
            raise ValidationError(_l("Nhập họ tên học sinh."))

    def validate_role(self, field):
        if not self.is_blank() and field.data not in STUDENT_ROLE_LABELS:
            raise ValidationError(_l("Chọn vai trò của học sinh."))

    def validate_sex(self, field):
        if field.data and field.data not in SEX_LABELS:
            raise ValidationError(_l("Giới tính không hợp lệ."))


class IncidentForm(Form):
    # The school: the reporter's own, or for an officer the one picked among the schools
    # found by name or code (templates/incidents/_school_picker.html); checked by the view.
    school_id = HiddenField(_l("Trường"))
    occurred_at = DateTimeLocalField(_l("Thời điểm xảy ra"), validators=[DataRequired()])
    place = SelectField(_l("Nơi xảy ra"), choices=choices(PLACE_LABELS, blank=BLANK),
                        validators=[DataRequired()])
    category = SelectField(_l("Loại vụ việc"), choices=choices(CATEGORY_LABELS, blank=BLANK),
                           validators=[DataRequired()])
    caused_by = SelectField(_l("Người gây ra"), choices=choices(CAUSER_LABELS, blank=BLANK),
                            validators=[DataRequired()])
    severity = SelectField(_l("Mức độ"), choices=choices(SEVERITY_LABELS, blank=BLANK),
                           validators=[DataRequired()])
    sensitive = BooleanField(_l("Nhạy cảm (chỉ hiệu trưởng, người báo cáo, người được giao "
                                "và chuyên viên được xem)"))
    summary = StringField(_l("Tóm tắt (không ghi tên)"),
                          validators=[DataRequired(), Length(max=500)])
    description = TextAreaField(_l("Mô tả sự việc"), validators=[DataRequired()])
    immediate_actions = TextAreaField(_l("Biện pháp đã làm ngay"))
    students = FieldList(FormField(StudentForm), min_entries=1, max_entries=MAX_STUDENTS)
    for _agency in AGENCY_LABELS:
        locals()[f"referral_{_agency}"] = DateField(AGENCY_LABELS[_agency],
                                                    validators=[Optional()])
    del _agency

    def occurred_at_utc(self):
        """The time typed (local, the office's time zone) as naive UTC, as times are stored."""
        return clock.to_utc(self.occurred_at.data)

    def validate_occurred_at(self, field):
        if field.data and clock.to_utc(field.data) > clock.utcnow() + dt.timedelta(minutes=10):
            raise ValidationError(_l("Thời điểm xảy ra không thể ở tương lai."))

    def validate_students(self, field):
        if not any(not entry.form.is_blank() for entry in field.entries):
            raise ValidationError(_l("Nhập ít nhất một học sinh liên quan."))

    def student_rows(self):
        rows = []
        for entry in self.students.entries:
            sub = entry.form
            if sub.is_blank():
                continue
            rows.append({
                "full_name": sub.full_name.data.strip(),
                "class_name": (sub.class_name.data or "").strip(),
                "sex": sub.sex.data or "",
                "birth_year": sub.birth_year.data,
                "role": sub.role.data,
            })
        return rows

    def referral_dates(self):
        return {a: getattr(self, f"referral_{a}").data for a in AGENCY_LABELS
                if getattr(self, f"referral_{a}").data}

    def referral_fields(self):
        return [getattr(self, f"referral_{a}") for a in AGENCY_LABELS]


class StatusForm(Form):
    version = HiddenField()
    to = HiddenField()
    note = TextAreaField(_l("Ghi chú"))
    outcome = SelectField(_l("Kết quả xử lý"), choices=choices(OUTCOME_LABELS, blank=BLANK))
    agency = SelectField(_l("Cơ quan chức năng"), choices=choices(AGENCY_LABELS, blank=BLANK))
    referred_on = DateField(_l("Ngày chuyển"), validators=[Optional()])
    reason = StringField(_l("Lý do"))
    context = HiddenField()
    list_args = HiddenField()

    def kept(self):
        """Everything the user submitted, to show back (422) or to carry in a retry (409)."""
        return {"to": self.to.data or "", "note": self.note.data or "",
                "outcome": self.outcome.data or "", "agency": self.agency.data or "",
                "referred_on": self.referred_on.raw_data[0] if self.referred_on.raw_data else "",
                "reason": self.reason.data or ""}


class NoteForm(Form):
    note = TextAreaField(_l("Ghi chú"), validators=[DataRequired()])


class AssignForm(Form):
    version = HiddenField()
    assignee = SelectField(_l("Giao cho"), choices=[], validate_choice=False)


class CorrectionForm(Form):
    version = HiddenField()
    occurred_at = DateTimeLocalField(_l("Thời điểm xảy ra"), validators=[Optional()])
    place = SelectField(_l("Nơi xảy ra"), choices=choices(PLACE_LABELS, blank=BLANK),
                         validate_choice=False)
    category = SelectField(_l("Loại vụ việc"), choices=choices(CATEGORY_LABELS, blank=BLANK),
                         validate_choice=False)
    caused_by = SelectField(_l("Người gây ra"), choices=choices(CAUSER_LABELS, blank=BLANK),
                         validate_choice=False)
    severity = SelectField(_l("Mức độ"), choices=choices(SEVERITY_LABELS, blank=BLANK),
                         validate_choice=False)
    summary = StringField(_l("Tóm tắt"), validators=[Length(max=500)])
    description = TextAreaField(_l("Mô tả sự việc"))
    immediate_actions = TextAreaField(_l("Biện pháp đã làm ngay"))
    reason = StringField(_l("Lý do đính chính"), validators=[DataRequired()])

    def occurred_at_utc(self):
        return clock.to_utc(self.occurred_at.data)


class AttachmentForm(Form):
    file = FileField(_l("Ảnh hoặc PDF (tối đa 20 MB)"), validators=[FileRequired()])
