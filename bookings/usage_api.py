"""JSON API of the usage ledger (API.md, "Usage logs"; period locks from "Reports")."""
from flask import g
from flask_smorest import Blueprint

from bookings import usage
from bookings.schemas import UsageLogSchema
from bookings.usage_schemas import (HistoryPageSchema, PeriodLockPageSchema, PeriodLockSchema, RatingInput,
                                    RatingSchema, TerminalTokenSchema, UsageLogInput, UsageLogListQuery,
                                    UsageLogPatch, VoidInput)
from sharing.api_common import PaginationQuery, page_schema, paginate
from sharing.auth import actor
from sharing.extensions import db

blp = Blueprint("usage_api", __name__, url_prefix="/api/v1", description="Usage logs")

UsageLogPageSchema = page_schema(UsageLogSchema, "UsageLogPage")
# The one endpoint an instrument terminal's token may call (sharing.auth).
TERMINAL_ENDPOINT = "usage_api.create_usage_log"


@blp.route("/usage-logs", methods=["POST"])
@blp.arguments(UsageLogInput)
@blp.response(201, UsageLogSchema)
def create_usage_log(data):
    """Record a use: a manager of the instrument's unit (source ``manual``) or the instrument's
    terminal token (source ``terminal``). A start in a locked year is 409 ``period_locked`` unless
    ``corrects_id`` names a record of that year on the same instrument (a correction record).
    With ``booking_id`` of a confirmed booking (of the same user) the booking becomes ``completed``,
    as on check-out; a sample submission then needs ``sample_count``. A booking that is not
    confirmed (already completed, cancelled, rejected, …) is 409 ``invalid_status``."""
    terminal = g.get("terminal_instrument_id")
    if terminal is not None:
        return usage.create_log(None, data, terminal_instrument_id=terminal)
    return usage.create_log(actor(), data)


@blp.route("/usage-logs", methods=["GET"])
@blp.arguments(UsageLogListQuery, location="query")
@blp.response(200, UsageLogPageSchema)
def list_usage_logs(args):
    """Researchers see their own; managers also those of their unit's instruments; evaluators all."""
    page = paginate(usage.logs_query(actor(), args), args, db.session)
    usage.preload_ratings(page["items"])
    return page


@blp.route("/usage-logs/<int:log_id>", methods=["GET"])
@blp.response(200, UsageLogSchema)
def get_usage_log(log_id):
    return usage.get_log(actor(), log_id)


@blp.route("/usage-logs/<int:log_id>/history", methods=["GET"])
@blp.arguments(PaginationQuery, location="query")
@blp.response(200, HistoryPageSchema)
def usage_log_history(args, log_id):
    """Every version of the log, oldest first: who (``actor_id``), when, what changed and why."""
    return paginate(usage.history_query(actor(), log_id), args, db.session)


@blp.route("/usage-logs/<int:log_id>", methods=["PATCH"])
@blp.arguments(UsageLogPatch)
@blp.response(200, UsageLogSchema)
def update_usage_log(data, log_id):
    """Correct a log (manager). The fee is recomputed when time, way, samples or user change and
    no fee is given. A log starting (before or after the change) in a locked year → 409."""
    return usage.update_log(actor(), log_id, data)


@blp.route("/usage-logs/<int:log_id>/void", methods=["POST"])
@blp.arguments(VoidInput)
@blp.response(200, UsageLogSchema)
def void_usage_log(data, log_id):
    return usage.void_log(actor(), log_id, data["reason"])


@blp.route("/usage-logs/<int:log_id>/rating", methods=["POST"])
@blp.arguments(RatingInput)
@blp.response(201, RatingSchema)
def rate_usage_log(data, log_id):
    """The log's user rates the service once (5 非常满意 … 1 极差); again → 409 ``already_rated``."""
    return usage.rate(actor(), log_id, data)


@blp.route("/instruments/<int:instrument_id>/terminal-token", methods=["POST"])
@blp.response(201, TerminalTokenSchema)
def issue_terminal_token(instrument_id):
    """A new token for the instrument's terminal, shown once; earlier tokens stop working. It can
    only post usage logs of this instrument."""
    token, row = usage.issue_terminal_token(actor(), instrument_id)
    return {"token": token, "instrument_id": row.instrument_id, "created_at": row.created_at}


@blp.route("/periods", methods=["GET"])
@blp.arguments(PaginationQuery, location="query")
@blp.response(200, PeriodLockPageSchema)
def list_periods(args):
    """The locked years, oldest first."""
    actor()
    return paginate(usage.periods_query(), args, db.session)


@blp.route("/periods/<int:year>/lock", methods=["POST"])
@blp.response(200, PeriodLockSchema)
def lock_period(year):
    """Make a year's usage logs read-only (evaluator, admin); the same answer when already locked."""
    return usage.lock_period(actor(), year)
