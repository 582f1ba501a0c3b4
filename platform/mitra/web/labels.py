"""What the pages call each code of the domain's vocabularies, in the viewer's language."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from mitra.models import SERVICE_AREAS

COLLABORATION_STATUS = {
    "draft": _l("Draft"),
    "proposed": _l("Proposed"),
    "info_requested": _l("Information requested"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "expired": _l("Expired"),
    "active": _l("Active"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
PARTNERSHIP_STATUS = {
    "prospect": _l("Prospect"),
    "active": _l("Active"),
    "dormant": _l("Dormant"),
    "ended": _l("Ended"),
}
ACTIVITY_STATUS = {"planned": _l("Planned"), "held": _l("Held"), "cancelled": _l("Cancelled")}
ACTIVITY_TYPE = {
    "training": _l("Training"),
    "mentoring": _l("Mentoring"),
    "consultation": _l("Consultation"),
    "business_matching": _l("Business matching"),
    "exhibition": _l("Exhibition"),
    "certification": _l("Certification"),
    "other": _l("Other"),
}
PARTNER_TYPE = {
    "bumn": _l("State-owned enterprise"),
    "bank": _l("Bank"),
    "telco": _l("Telecommunications"),
    "marketplace": _l("Marketplace"),
    "ride_hailing": _l("Ride-hailing"),
    "university": _l("University"),
    "association": _l("Association"),
    "corporate": _l("Private company"),
    "hotel": _l("Hotel"),
    "media": _l("Media"),
    "ngo": _l("Non-governmental organisation"),
    "government": _l("Government agency"),
    "international": _l("International programme"),
}
OUTCOME_TYPE = {
    "financing": _l("Financing"),
    "halal_certificate": _l("Halal certificate"),
    "sni_certificate": _l("SNI certificate"),
    "bpom_permit": _l("BPOM permit"),
    "nib_issued": _l("NIB issued"),
    "marketplace_onboarding": _l("Marketplace onboarding"),
    "export": _l("Export"),
    "other": _l("Other"),
}
UMKM_SCALE = {"mikro": _l("Micro"), "kecil": _l("Small"), "menengah": _l("Medium")}
PARTNER_SCOPE = {"national": _l("National"), "local": _l("Local")}
ATTACHMENT_KIND = {
    "agreement": _l("Signed agreement (MoU/PKS)"),
    "attendance": _l("Attendance list"),
    "photo": _l("Photo"),
    "report": _l("Report"),
    "other": _l("Other"),
}
AGREEMENT_KIND = {"mou": _l("MoU (memorandum of understanding)"), "pks": _l("PKS (cooperation agreement)")}
CENTRE_TIER = {"reguler": _l("Regular"), "premium": _l("Premium")}
CENTRE_STATUS = {
    "operational": _l("Operational"),
    "under_construction": _l("Under construction"),
    "revitalising": _l("Being revitalised"),
    "revitalised": _l("Revitalised"),
}
ROLE = {
    "ministry_admin": _l("Ministry admin"),
    "centre_manager": _l("Centre manager"),
    "partner_user": _l("Partner user"),
}
LANGUAGE = {"id": "Bahasa Indonesia", "en": "English"}  # each named in its own language
ZONE = {
    "Asia/Jakarta": _l("WIB: Western Indonesia (Jakarta)"),
    "Asia/Pontianak": _l("WIB: Western Indonesia (Pontianak)"),
    "Asia/Makassar": _l("WITA: Central Indonesia (Makassar)"),
    "Asia/Jayapura": _l("WIT: Eastern Indonesia (Jayapura)"),
}
EMAIL_PREFERENCE = {
    "immediate": _l("Each message at once"),
    "digest": _l("One daily digest at 08:00"),
}
MONTHS_SHORT = (
    _l("Jan"), _l("Feb"), _l("Mar"), _l("Apr"), _l("May"), _l("Jun"),
    _l("Jul"), _l("Aug"), _l("Sep"), _l("Oct"), _l("Nov"), _l("Dec"),
)  # fmt: skip

# The words for each audited action, read after the actor's name ("Manajer Malang planned an
# activity"). Every action the code writes has one: tests/web/test_action_labels.py finds them.
ACTION = {
    "collaboration.create": _l("drafted the collaboration"),
    "collaboration.update": _l("changed the proposal"),
    "collaboration.propose": _l("proposed it to the partner"),
    "collaboration.accept": _l("accepted the proposal"),
    "collaboration.decline": _l("declined the proposal"),
    "collaboration.request_info": _l("asked for more information"),
    "collaboration.revise": _l("answered and proposed again"),
    "collaboration.expire": _l("closed the proposal: no answer by the deadline"),
    "collaboration.activate": _l("started the collaboration"),
    "collaboration.complete": _l("completed the collaboration"),
    "collaboration.extend": _l("extended the collaboration"),
    "collaboration.cancel": _l("cancelled the collaboration"),
    "activity.plan": _l("planned an activity"),
    "activity.update": _l("changed an activity"),
    "activity.report": _l("reported an activity's outcome"),
    "activity.cancel": _l("cancelled an activity"),
    "activity.confirm": _l("confirmed taking part in an activity"),
    "activity.attendance": _l("recorded an activity's attendance"),
    "agreement.record": _l("recorded an agreement"),
    "outcome.record": _l("recorded a business's outcome"),
    "umkm.create": _l("registered a business"),
    "umkm.update": _l("changed a business's record"),
    "umkm.export": _l("downloaded businesses' personal data"),
    "attachment.add": _l("attached a file"),
    "attachment.remove": _l("removed an attached file"),
    "centre.create": _l("registered a centre"),
    "centre.update": _l("changed a centre's record"),
    "partner.create": _l("registered a partner"),
    "partner.update": _l("changed a partner's record"),
    "partnership.create": _l("registered a partnership"),
    "partnership.status_changed": _l("moved the partnership to a new status"),
    "user.created": _l("created a login"),
    "user.update": _l("changed a profile"),
    "user.password_changed": _l("changed the password"),
    "user.password_reset_requested": _l("asked for a password reset"),
    "user.password_reset": _l("reset the password"),
    "auth.login": _l("signed in"),
    "auth.login_failed": _l("failed to sign in"),
    "auth.token_revoked": _l("revoked an API token"),
    "auth.login_throttled": _l("was refused sign-in after too many failures"),
    "auth.login_ceiling_reached": _l("had many failed sign-ins from many places"),
    "reminder.sent": _l("marked an e-mail as delivered"),
    "reminder.resend": _l("had an e-mail sent again"),
    "reminder.cancel": _l("cancelled an e-mail"),
}
# What a page says of an action that has no words yet: never its code.
UNKNOWN_ACTION = _l("made a change")


def action_label(code: str) -> str:
    return str(ACTION.get(code, UNKNOWN_ACTION))


def service_area_name(code: str | None) -> str:
    """The service area's name as the database holds it, in the viewer's language."""
    english = str(get_locale()) == "en"
    for area, name_id, name_en in SERVICE_AREAS:
        if area == code:
            return name_en if english else name_id
    return code or ""


def label(table: Mapping, code: str | None) -> str:
    if code is None:
        return ""
    return str(table.get(code, code))
