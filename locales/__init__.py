"""The gettext catalogs of every user-facing text: `zh` first, `en` second. Message ids are stable keys."""
