"""Case pages, the case REST API, the map, the public tracking page, Open311 and the complaint
desk's settings."""
