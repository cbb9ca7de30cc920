"""What the program says of an e-mail address Kombo refused with a schema checker's "Invalid
email", all Kombo said of the field, in its own words (``refusals._LEADING_VERDICT``): pinned
once for the many tests that send that refusal."""

# On the status line, after "Kombo did not accept these details: ".
INVALID_EMAIL_SAID = "the e-mail address is not valid."
# Under the e-mail field.
INVALID_EMAIL_MARK = "Kombo did not accept this: it is not a valid e-mail address."
