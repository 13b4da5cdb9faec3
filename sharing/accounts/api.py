"""JSON API: tokens and users (API.md, "Auth" and "Users")."""
from flask import g
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy import or_

from sharing.accounts import services
from sharing.accounts.models import User, UserRole
from sharing.accounts.schemas import (
    TokenRequestSchema,
    TokenSchema,
    UserCreateSchema,
    UserListQuery,
    UserPageSchema,
    UserSchema,
    UserUpdateSchema,
)
from sharing.api_common import paginate
from sharing.auth import actor, public
from sharing.errors import ApiError
from sharing.extensions import db, limiter

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Tokens and users")


@blp.route("/auth/token", methods=["POST"])
@public("POST")
@blp.doc(security=[])
@limiter.limit(services.login_ip_limit)
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
def create_token(data):
    """Exchange an e-mail address and password for a bearer token."""
    user = services.authenticate(data["email"], data["password"])
    token, row = services.issue_token(user)
    return {"token": token, "expires_at": row.expires_at, "user": user}


@blp.route("/auth/token", methods=["DELETE"])
@blp.response(204)
def revoke_token():
    """Revoke the token used for this request."""
    row = g.get("api_token")
    if row is None:
        raise ApiError(400, "bad_request", _("Only a bearer token can be revoked."))
    services.revoke_token(row)


@blp.route("/users/me", methods=["GET"])
@blp.response(200, UserSchema)
def me():
    return actor()


@blp.route("/users", methods=["GET"])
@blp.arguments(UserListQuery, location="query")
@blp.response(200, UserPageSchema)
def list_users(args):
    query = services.visible_users_query(actor())
    if "unit_id" in args:
        query = query.where(User.unit_id == args["unit_id"])
    if "active" in args:
        query = query.where(User.active == args["active"])
    if "role" in args:
        query = query.where(User.id.in_(db.select(UserRole.user_id).where(UserRole.role == args["role"])))
    if args.get("q"):
        like = f"%{args['q'].lower()}%"
        query = query.where(or_(db.func.lower(User.name).like(like), User.email.like(like)))
    return paginate(query.order_by(User.id), args, db.session)


@blp.route("/users", methods=["POST"])
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
def create_user(data):
    return services.create_user(actor(), data)


@blp.route("/users/<int:user_id>", methods=["GET"])
@blp.response(200, UserSchema)
def get_user(user_id):
    return services.get_user_for(actor(), user_id)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_user(data, user_id):
    user = services.get_user_for(actor(), user_id)
    return services.update_user(actor(), user, data)
