"""platform: the operations records and the audit log.

The audit tables are append-only: a trigger refuses UPDATE and DELETE on them, on PostgreSQL
and on SQLite alike (the code has no such path; the trigger stops anyone with a SQL prompt too).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
APPEND_ONLY = ("audit_events", "audit_leaves", "audit_checkpoints")
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("frontier", JSON, nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_audit_checkpoints")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("jurisdiction", sa.String(length=5), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("resource_type", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.String(length=128), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "jurisdictions",
        sa.Column("fips", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("parent", sa.String(length=5), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent"], ["jurisdictions.fips"], name=op.f("fk_jurisdictions_parent_jurisdictions")
        ),
        sa.PrimaryKeyConstraint("fips", name=op.f("pk_jurisdictions")),
    )
    op.create_table(
        "applicants",
        sa.Column("id", ID, nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=5), nullable=False),
        sa.Column("given_name", sa.String(length=200), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("country_of_birth", sa.String(length=3), nullable=True),
        sa.Column("document_number", sa.String(length=40), nullable=True),
        sa.Column("document_country", sa.String(length=3), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("immigration_status", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["state"], ["jurisdictions.fips"], name=op.f("fk_applicants_state_jurisdictions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicants")),
    )
    with op.batch_alter_table("applicants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applicants_owner"), ["owner"], unique=False)
        batch_op.create_index(batch_op.f("ix_applicants_state"), ["state"], unique=False)

    op.create_table(
        "audit_leaves",
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["audit_events.id"], name=op.f("fk_audit_leaves_event_id_audit_events")
        ),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_audit_leaves")),
        sa.UniqueConstraint("event_id", name=op.f("uq_audit_leaves_event_id")),
    )
    op.create_table(
        "employers",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("ein", sa.String(length=10), nullable=True),
        sa.Column("state", sa.String(length=5), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["state"], ["jurisdictions.fips"], name=op.f("fk_employers_state_jurisdictions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employers")),
    )
    with op.batch_alter_table("employers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employers_owner"), ["owner"], unique=False)
        batch_op.create_index(batch_op.f("ix_employers_state"), ["state"], unique=False)

    op.create_table(
        "programs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("jurisdiction", sa.String(length=5), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction"], ["jurisdictions.fips"], name=op.f("fk_programs_jurisdiction_jurisdictions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
    )
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programs_jurisdiction"), ["jurisdiction"], unique=False)

    op.create_table(
        "county_participation",
        sa.Column("id", ID, nullable=False),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("county", sa.String(length=5), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("deciding_body", sa.String(length=200), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=False),
        sa.Column("votes_against", sa.Integer(), nullable=False),
        sa.Column("votes_abstain", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county"], ["jurisdictions.fips"], name=op.f("fk_county_participation_county_jurisdictions")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_county_participation_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_county_participation")),
    )
    with op.batch_alter_table("county_participation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_county_participation_county"), ["county"], unique=False)
        batch_op.create_index(batch_op.f("ix_county_participation_program_id"), ["program_id"], unique=False)

    op.create_table(
        "job_offers",
        sa.Column("id", ID, nullable=False),
        sa.Column("employer_id", ID, nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("soc_code", sa.String(length=7), nullable=False),
        sa.Column("annual_wage", sa.Float(), nullable=False),
        sa.Column("worksite_county", sa.String(length=5), nullable=False),
        sa.Column("wage_level", sa.String(length=16), nullable=False),
        sa.Column("wage_source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_job_offers_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["worksite_county"],
            ["jurisdictions.fips"],
            name=op.f("fk_job_offers_worksite_county_jurisdictions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_offers")),
    )
    with op.batch_alter_table("job_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_offers_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_offers_worksite_county"), ["worksite_county"], unique=False)

    op.create_table(
        "program_versions",
        sa.Column("id", ID, nullable=False),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("files", JSON, nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment_opens", sa.Date(), nullable=True),
        sa.Column("comment_closes", sa.Date(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_reasons", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_program_versions_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_versions")),
        sa.UniqueConstraint("program_id", "version", name=op.f("uq_program_versions_program_id")),
    )
    with op.batch_alter_table("program_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_versions_program_id"), ["program_id"], unique=False)

    op.create_table(
        "allocations",
        sa.Column("id", ID, nullable=False),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("jurisdiction", sa.String(length=5), nullable=False),
        sa.Column("cap", sa.BigInteger(), nullable=False),
        sa.Column("issued", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("basis", sa.String(length=300), nullable=False),
        sa.Column("version_id", ID, nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("computed_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction"], ["jurisdictions.fips"], name=op.f("fk_allocations_jurisdiction_jurisdictions")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_allocations_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["program_versions.id"], name=op.f("fk_allocations_version_id_program_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
        sa.UniqueConstraint("program_id", "year", "jurisdiction", name=op.f("uq_allocations_program_id")),
    )
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocations_jurisdiction"), ["jurisdiction"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocations_program_id"), ["program_id"], unique=False)

    op.create_table(
        "applications",
        sa.Column("id", ID, nullable=False),
        sa.Column("version_id", ID, nullable=False),
        sa.Column("applicant_id", ID, nullable=True),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=5), nullable=False),
        sa.Column("county", sa.String(length=5), nullable=True),
        sa.Column("job_offer_id", ID, nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("inputs", JSON, nullable=False),
        sa.Column("outputs", JSON, nullable=False),
        sa.Column("explanation", JSON, nullable=True),
        sa.Column("eligible", sa.Boolean(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_batch", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["applicants.id"], name=op.f("fk_applications_applicant_id_applicants")
        ),
        sa.ForeignKeyConstraint(
            ["county"], ["jurisdictions.fips"], name=op.f("fk_applications_county_jurisdictions")
        ),
        sa.ForeignKeyConstraint(
            ["job_offer_id"], ["job_offers.id"], name=op.f("fk_applications_job_offer_id_job_offers")
        ),
        sa.ForeignKeyConstraint(
            ["state"], ["jurisdictions.fips"], name=op.f("fk_applications_state_jurisdictions")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["program_versions.id"], name=op.f("fk_applications_version_id_program_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_applicant_id"), ["applicant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_county"), ["county"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_owner"), ["owner"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_state"), ["state"], unique=False)
        batch_op.create_index("ix_applications_version_eligible", ["version_id", "eligible"], unique=False)

    op.create_table(
        "comments",
        sa.Column("id", ID, nullable=False),
        sa.Column("version_id", ID, nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("author_role", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"], ["program_versions.id"], name=op.f("fk_comments_version_id_program_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_version_id"), ["version_id"], unique=False)

    op.create_table(
        "rounds",
        sa.Column("id", ID, nullable=False),
        sa.Column("version_id", ID, nullable=False),
        sa.Column("jurisdiction", sa.String(length=5), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("parameters", JSON, nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=True),
        sa.Column("seed", sa.String(length=128), nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["jurisdiction"], ["jurisdictions.fips"], name=op.f("fk_rounds_jurisdiction_jurisdictions")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["program_versions.id"], name=op.f("fk_rounds_version_id_program_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
    )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rounds_jurisdiction"), ["jurisdiction"], unique=False)
        batch_op.create_index(batch_op.f("ix_rounds_version_id"), ["version_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", ID, nullable=False),
        sa.Column("application_id", ID, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction", sa.String(length=5), nullable=False),
        sa.Column("county", sa.String(length=5), nullable=True),
        sa.Column("employer_id", ID, nullable=True),
        sa.Column("allocation_id", ID, nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reporting_due", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["allocation_id"], ["allocations.id"], name=op.f("fk_cases_allocation_id_allocations")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_cases_application_id_applications")
        ),
        sa.ForeignKeyConstraint(
            ["county"], ["jurisdictions.fips"], name=op.f("fk_cases_county_jurisdictions")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_cases_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction"], ["jurisdictions.fips"], name=op.f("fk_cases_jurisdiction_jurisdictions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("application_id", name=op.f("uq_cases_application_id")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_county"), ["county"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_jurisdiction"), ["jurisdiction"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_state"), ["state"], unique=False)

    op.create_table(
        "round_entries",
        sa.Column("round_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("application_id", ID, nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("selected", sa.Boolean(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_round_entries_application_id_applications")
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_round_entries_round_id_rounds")),
        sa.PrimaryKeyConstraint("round_id", "position", name=op.f("pk_round_entries")),
    )
    op.create_table(
        "case_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "compliance_reports",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("reported_by", sa.String(length=200), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_compliance_reports_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_reports")),
    )
    with op.batch_alter_table("compliance_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_compliance_reports_case_id"), ["case_id"], unique=False)

    op.create_table(
        "integration_enrolments",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_integration_enrolments_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_enrolments")),
    )
    with op.batch_alter_table("integration_enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integration_enrolments_case_id"), ["case_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION statevisa_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
            END $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION statevisa_append_only()"
            )
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: {verb} refused'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{verb}")
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION statevisa_append_only()")
    with op.batch_alter_table("integration_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integration_enrolments_case_id"))

    op.drop_table("integration_enrolments")
    with op.batch_alter_table("compliance_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compliance_reports_case_id"))

    op.drop_table("compliance_reports")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    op.drop_table("round_entries")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_state"))
        batch_op.drop_index(batch_op.f("ix_cases_jurisdiction"))
        batch_op.drop_index(batch_op.f("ix_cases_county"))

    op.drop_table("cases")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rounds_version_id"))
        batch_op.drop_index(batch_op.f("ix_rounds_jurisdiction"))

    op.drop_table("rounds")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_version_id"))

    op.drop_table("comments")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_version_eligible")
        batch_op.drop_index(batch_op.f("ix_applications_state"))
        batch_op.drop_index(batch_op.f("ix_applications_owner"))
        batch_op.drop_index(batch_op.f("ix_applications_county"))
        batch_op.drop_index(batch_op.f("ix_applications_applicant_id"))

    op.drop_table("applications")
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocations_program_id"))
        batch_op.drop_index(batch_op.f("ix_allocations_jurisdiction"))

    op.drop_table("allocations")
    with op.batch_alter_table("program_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_versions_program_id"))

    op.drop_table("program_versions")
    with op.batch_alter_table("job_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_offers_worksite_county"))
        batch_op.drop_index(batch_op.f("ix_job_offers_employer_id"))

    op.drop_table("job_offers")
    with op.batch_alter_table("county_participation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_county_participation_program_id"))
        batch_op.drop_index(batch_op.f("ix_county_participation_county"))

    op.drop_table("county_participation")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_jurisdiction"))

    op.drop_table("programs")
    with op.batch_alter_table("employers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employers_state"))
        batch_op.drop_index(batch_op.f("ix_employers_owner"))

    op.drop_table("employers")
    op.drop_table("audit_leaves")
    with op.batch_alter_table("applicants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applicants_state"))
        batch_op.drop_index(batch_op.f("ix_applicants_owner"))

    op.drop_table("applicants")
    op.drop_table("jurisdictions")
    op.drop_table("idempotency_keys")
    op.drop_table("audit_events")
    op.drop_table("audit_checkpoints")
