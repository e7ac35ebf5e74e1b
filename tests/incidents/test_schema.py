from district.db import database


def test_migrations_create_the_indexes_the_models_declare(app):
    names = {i.name for table in ("incident", "incident_event", "incident_view")
             for i in database.get_indexes(table)}
    for wanted in ("incident_school_id_reported_at", "incident_event_incident_id_at",
                   "incident_view_incident_id_at",
                   "incident_school_id_status_severity_sensitive_assignee_id",
                   "incident_category", "incident_severity", "incident_status",
                   "incident_reported_at", "incident_assignee_id"):
        assert wanted in names, wanted
