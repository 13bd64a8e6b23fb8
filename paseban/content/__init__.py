"""Content planning, pure: priority programs, campaign kits, calendars, the draft checker,
the approval flow and the neighbourhood story bank. No IO; services/ store and load."""
