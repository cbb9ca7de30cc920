"""Parts of the embedded demo Kombo service; ``kombo_desktop.core.demo_server`` is its front door.

Split out so each piece stays small: ``records`` (what the service remembers), ``validation``
(Kombo's input rules, written independently of the program's own request model so a bug in one
is caught by the other), ``wire`` (Kombo's JSON bodies), ``pages`` (the HTML a browser sees)
and ``transport`` (sockets and threads).
"""
