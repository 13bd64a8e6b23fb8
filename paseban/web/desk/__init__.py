"""The desk's first pages, at `/`: the command centre for Diskominfo and the leadership, and the
own home of a kelurahan or kecamatan admin.

They gather what several contexts know (cases, the inbox, measurement, early warning, quiet
accounts), so they live in their own package rather than in one context's: every number is
counted by the service and with the filters of the list it links to (web/cases/lists.CaseFilters,
services/inbox/listing.InboxFilters), so a number and the list behind it cannot disagree."""
