"""Image (and later render) runners: request records, attempts, retries, polling, downloads, manifests."""
