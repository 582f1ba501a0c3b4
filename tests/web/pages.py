"""The pages each role works with, for the tests that visit them all."""

# role -> pages that role works with ({c}: a collaboration, {a}: an activity of it)
PAGES = {
    "partner": [
        "/inbox",
        "/inbox?status=proposed",
        "/collaborations/{c}",
        "/activities/upcoming",
        "/activities/{a}/confirm",
        "/activities/{a}",
        "/agreements",
        "/notifications",
        "/account",
        "/account/password",
        "/centres",
    ],
    "manager": [
        "/centre",
        "/collaborations",
        "/collaborations?status=accepted&q=Pelatihan",
        "/collaborations/new",
        "/collaborations/{c}",
        "/collaborations/{d}/edit",
        "/activities/{a}/report",
        "/activities/{a}",
        "/activities/upcoming",
        "/partners",
        "/partners?q=bank&type=bank",
        "/partners/new",
        "/agreements",
        "/agreements?show=valid",
        "/agreements/new",
        "/notifications",
        "/account",
        "/account/password",
        "/centres",
    ],
    "admin": [
        "/ministry",
        "/ministry?year=2031",
        "/collaborations",
        "/collaborations/{c}",
        "/centres",
        "/centres/new",
        "/centres?province=35",
        "/partners",
        "/partners/new",
        "/agreements",
        "/notifications",
        "/account",
    ],
}
ANONYMOUS_PAGES = ["/login", "/account/reset"]
# Pages outside a role answer 404, like records outside a scope.
NOT_FOR = {
    "partner": [
        "/centre",
        "/ministry",
        "/collaborations",
        "/collaborations/new",
        "/partners",
        "/agreements/new",
        "/activities/{a}/report",
    ],
    "manager": ["/inbox", "/ministry", "/centres/new", "/activities/{a}/confirm"],
    "admin": ["/inbox", "/centre", "/collaborations/new", "/agreements/new"],
}
