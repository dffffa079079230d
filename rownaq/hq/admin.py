"""The admin of the HQ: none of its records is registered.

Meetings, resolutions, commitments, objections and the register of disruptive regulations change only
through ``rownaq.hq.services`` (which checks the secretariat and the objection window, and moves the
cases through the obstacles workflow), on the HQ's own pages under ``/hq/``.
"""
