"""stored files: one upload service for every module

Revision ID: ebc2468853f9
Revises: d3b3b42db275
Create Date: 2026-11-23 14:10:00

Every uploaded file becomes a stored_file row (sanitised name, sniffed type, size, SHA-256, owning
row, uploader) with its content under UPLOAD_FOLDER/files/<token[:2]>/<token> (app/core/uploads.py).
Partner logos were the one upload so far, kept as bytes in partner_logo.image: each is written to
UPLOAD_FOLDER as a stored file of its logo, and the column goes. The downgrade copies each logo's
newest file back into the column; stored files of other owners lose their rows (their files stay
on disk).
"""
import datetime as dt
import hashlib
import os
import secrets
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ebc2468853f9'
down_revision = 'd3b3b42db275'
branch_labels = None
depends_on = None

# The layout of app.core.uploads.relative_path at this revision (a migration must not import app code
# that may change later).
FILES = "files"
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}

stored_file = sa.table(
    "stored_file", sa.column("id", sa.Integer), sa.column("token", sa.String), sa.column("name", sa.String),
    sa.column("content_type", sa.String), sa.column("size", sa.Integer), sa.column("sha256", sa.String),
    sa.column("owner_model", sa.String), sa.column("owner_id", sa.Integer),
    sa.column("uploaded_by_id", sa.Integer), sa.column("uploaded_at", sa.DateTime))
partner_logo = sa.table("partner_logo", sa.column("id", sa.Integer), sa.column("image", sa.LargeBinary),
                        sa.column("image_type", sa.String))


def upgrade():
    op.create_table('stored_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('owner_model', sa.String(length=100), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.create_index('ix_stored_file_owner', ['owner_model', 'owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stored_file_token'), ['token'], unique=True)

    _logos_to_files()
    with op.batch_alter_table('partner_logo', schema=None) as batch_op:
        batch_op.drop_column('image')


def downgrade():
    with op.batch_alter_table('partner_logo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image', sa.LargeBinary(), nullable=True))
    _files_to_logos()

    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_file_token'))
        batch_op.drop_index('ix_stored_file_owner')
    op.drop_table('stored_file')


def _upload_folder():
    from flask import current_app

    return Path(current_app.config["UPLOAD_FOLDER"]).resolve()


def _logos_to_files():
    bind = op.get_bind()
    logos = bind.execute(sa.select(partner_logo.c.id, partner_logo.c.image, partner_logo.c.image_type)
                         .where(partner_logo.c.image.isnot(None))).all()
    if not logos:
        return
    root = _upload_folder()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for logo_id, image, image_type in logos:
        image = bytes(image)
        token = secrets.token_urlsafe(32)
        path = root / FILES / token[:2] / token
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(image)
        bind.execute(sa.insert(stored_file).values(
            token=token, name=f"logo-{logo_id}.{EXTENSIONS.get(image_type, 'bin')}",
            content_type=image_type or "application/octet-stream", size=len(image),
            sha256=hashlib.sha256(image).hexdigest(), owner_model="PartnerLogo", owner_id=logo_id,
            uploaded_by_id=None, uploaded_at=now))


def _files_to_logos():
    bind = op.get_bind()
    newest = (sa.select(sa.func.max(stored_file.c.id)).where(stored_file.c.owner_model == "PartnerLogo")
              .group_by(stored_file.c.owner_id))
    rows = bind.execute(sa.select(stored_file.c.owner_id, stored_file.c.token)
                        .where(stored_file.c.id.in_(newest))).all()
    if not rows:
        return
    root = _upload_folder()
    for logo_id, token in rows:
        path = root / FILES / token[:2] / token
        if path.is_file():
            bind.execute(sa.update(partner_logo).where(partner_logo.c.id == logo_id)
                         .values(image=path.read_bytes()))
