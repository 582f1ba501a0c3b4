"""Bearer-token authentication of every API request, and the token and `me` endpoints."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request

from mitra.api import listing
from mitra.api.requests import ID, ApiBlueprint, check_json_body, check_path_ids
from mitra.api.schemas.auth import ApiTokenInfoSchema, MeSchema, TokenRequestSchema, TokenSchema
from mitra.models import User
from mitra.security.tokens import bearer_token
from mitra.services import tokens

blp = ApiBlueprint("auth", __name__, url_prefix="/api/v1", description="Tokens and the signed-in user")


def public(view):
    """Mark a view that needs no bearer token."""
    view.public = True
    return view


def gate(blueprints: frozenset[str]):
    """A before_request hook for the API's views: authenticate, find what the path names in
    the caller's scope (404 before anything else), then check the body."""

    def before_request() -> None:
        if request.blueprint not in blueprints or request.endpoint is None:
            return
        view = current_app.view_functions[request.endpoint]
        if not getattr(view, "public", False):
            g.api_user = tokens.authenticate(bearer_token(request.headers.get("Authorization")))
        check_path_ids()
        if not getattr(view, "takes_upload", False):
            check_json_body()

    return before_request


def user() -> User:
    """The user the request's bearer token belongs to."""
    return g.api_user


@blp.route("/auth/tokens", methods=["POST"])
@public
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.doc(security=[], summary="Sign in: exchange an e-mail and password for a bearer token")
def create_token(data):
    """Failed sign-ins are limited per (account, address) and per address (429 with Retry-After)."""
    hours = current_app.config.get("API_TOKEN_HOURS", 12)
    token, expires_at = tokens.sign_in(
        data["email"],
        data["password"],
        request.remote_addr or "unknown",
        label=data.get("label"),
        lifetime=timedelta(hours=hours),
    )
    return {"token": token, "expires_at": expires_at}, {"Cache-Control": "no-store"}


TokenListArgs = listing.list_args("ApiToken", tokens.API_TOKEN_SORTS, "-created_at")


@blp.route("/auth/tokens", methods=["GET"])
@blp.arguments(TokenListArgs, location="query")
@blp.response(200, listing.page_of(ApiTokenInfoSchema))
@blp.doc(summary="Your API tokens that are still valid (web sessions are not listed)")
def list_tokens(args):
    """Never the token itself: only what tells them apart, to revoke one you no longer trust."""
    return listing.paginate(tokens.live_api_tokens(user(), args["sort"]), args)


@blp.route(f"/auth/tokens/<{ID}:token_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(summary="Revoke one of your API tokens (anyone else's, or one no longer valid: 404)")
def revoke_token_by_id(token_id):
    tokens.revoke_api_token(user(), token_id)
    return current_app.response_class(status=204)


@blp.route("/auth/tokens/current", methods=["DELETE"])
@blp.response(204)
@blp.doc(summary="Revoke the token this request carries")
def revoke_token():
    tokens.revoke(bearer_token(request.headers.get("Authorization")))
    return current_app.response_class(status=204)


@blp.route("/me")
@blp.response(200, MeSchema)
@blp.doc(summary="The signed-in user")
def me():
    return user()
