"""Cases: the lifecycle actions, triage, merging, deadline clocks, replies to citizens, Open311 and
the reads behind the case pages."""
