"""JSON API of the catalogue (API.md, "Categories" and "Instruments")."""
from flask import jsonify
from flask_smorest import Blueprint

from instruments import categories
from instruments.schemas import CategoryFlatSchema, CategoryNodeSchema, CategoryQuery
from sharing.auth import actor

blp = Blueprint("instruments_api", __name__, url_prefix="/api/v1", description="Catalogue")


@blp.route("/categories", methods=["GET"])
@blp.arguments(CategoryQuery, location="query")
@blp.response(200, CategoryNodeSchema(many=True))
def list_categories(args):
    """The national classification as a tree, or flat with ``?flat=1`` (not paginated)."""
    actor()
    rows = categories.all_categories()
    if args["flat"]:
        return jsonify(CategoryFlatSchema(many=True).dump(rows))
    return categories.tree(rows)
