"""One module per platform. Connectors parse; they do no storage and no HTTP serving."""
