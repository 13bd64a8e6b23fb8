"""Reference data: the city's wilayah, OPDs, topics and holidays, parameters, and the policy
Diskominfo edits on them."""
