"""Organisation life's pages, one module per subject."""
